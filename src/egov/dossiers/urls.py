"""Citizens' pages of the one-stop shop: submitting, "my dossiers", the public lookup."""

from django.urls import path  # noqa: F401

app_name = "dossiers"

urlpatterns: list = []
