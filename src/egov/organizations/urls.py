from django.urls import path

from egov.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("agencies/<int:agency_id>/edit/", views.agency_edit, name="agency_edit"),
]
