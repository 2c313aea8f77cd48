"""Officers' pages: the inbox, the dossier page with its actions, desk submission."""

from django.urls import path  # noqa: F401

app_name = "dossiers_staff"

urlpatterns: list = []
