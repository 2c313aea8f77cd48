from django.urls import path

from egov.procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/forms/<int:component_id>/", views.form_download, name="form"),
]
