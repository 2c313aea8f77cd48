from django.urls import path

from egov.procedures import staff_views

app_name = "procedures_staff"

urlpatterns = [
    path("", staff_views.staff_procedure_list, name="list"),
    path("new/", staff_views.staff_procedure_edit, name="new"),
    path("<str:code>/edit/", staff_views.staff_procedure_edit, name="edit"),
]
