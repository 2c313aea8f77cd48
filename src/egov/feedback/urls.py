"""Public and citizens' pages of citizen feedback."""

from django.urls import path

from egov.feedback import views

app_name = "feedback"

urlpatterns = [
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
