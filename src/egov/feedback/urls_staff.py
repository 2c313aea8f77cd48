"""Officers' pages of citizen feedback: the inbox, a report's page, hotline entry."""

from django.urls import path

from egov.feedback import staff_views

app_name = "feedback_staff"

urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("hotline/", staff_views.hotline_new, name="hotline"),
    path("<int:report_id>/", staff_views.report_page, name="report"),
    path("<int:report_id>/actions/<str:action>/", staff_views.act, name="act"),
    path("<int:report_id>/photos/<int:photo_id>/", staff_views.original_photo, name="photo"),
    path(
        "<int:report_id>/photos/<int:photo_id>/redact/",
        staff_views.redact_photo,
        name="redact_photo",
    ),
]
