"""Citizens' pages of the one-stop shop: submitting, "my dossiers", the public lookup."""

from django.urls import path

from egov.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("dossiers/", views.my_dossiers, name="mine"),
    path("dossiers/new/<str:code>/", views.submit, name="submit"),
    path("dossiers/<int:dossier_id>/", views.my_dossier, name="detail"),
    path("dossiers/<int:dossier_id>/supplement/", views.my_supplement, name="supplement"),
    path("dossiers/<int:dossier_id>/withdraw/", views.my_withdraw, name="withdraw"),
    path("dossiers/<int:dossier_id>/rate/", views.my_rate, name="rate"),
    path("dossiers/<int:dossier_id>/files/<int:file_id>/", views.my_file, name="file"),
]
