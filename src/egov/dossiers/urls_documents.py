"""Downloads of the official slips (forms 01–07) as PDF and Excel."""

from django.urls import path  # noqa: F401

app_name = "dossier_documents"

urlpatterns: list = []
