from django.urls import path

from egov.open311 import staff_views

app_name = "open311_staff"

urlpatterns = [
    path("", staff_views.api_clients, name="api_clients"),
    path("<int:client_id>/revoke/", staff_views.api_client_revoke, name="api_client_revoke"),
]
