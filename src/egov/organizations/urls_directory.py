"""Searchable lists of agencies and communes, for the typeahead of form fields (JSON)."""

from django.urls import path

from egov.organizations import views

app_name = "directory"

urlpatterns = [
    path("agencies/", views.agency_search, name="agencies"),
    path("communes/", views.commune_search, name="communes"),
]
