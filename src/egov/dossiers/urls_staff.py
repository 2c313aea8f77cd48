"""Officers' pages: the inbox, the dossier page with its actions, desk submission."""

from django.urls import path

from egov.dossiers import staff_views

app_name = "dossiers_staff"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("new/", staff_views.desk_new, name="desk_new"),
    path("new/<str:code>/", staff_views.desk_submit, name="desk_submit"),
    path("<int:dossier_id>/", staff_views.dossier_page, name="dossier"),
    path("<int:dossier_id>/actions/<str:action>/", staff_views.act, name="act"),
    path("<int:dossier_id>/files/<int:file_id>/", staff_views.staff_file, name="file"),
]
