from django.urls import path, re_path

from egov.stats import views

app_name = "stats_staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dossiers/", views.drilldown, name="drilldown"),
    path("report.pdf", views.monthly_report, name="report"),
    re_path(r"^export/(?P<name>[a-z]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
