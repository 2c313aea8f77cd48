"""Downloads of the official slips (forms 01–07) as PDF and Excel.

The views and what each URL name serves are described in ``document_views``.
"""

from django.urls import path, register_converter

from egov.dossiers import document_views as views


class _StaffForm:
    """A form officers download for a dossier: "01" to "06"."""

    regex = "0[1-6]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _CitizenForm(_StaffForm):
    """A form the applicant downloads: "01" to "05"."""

    regex = "0[1-5]"


register_converter(_StaffForm, "dossier_staff_form")
register_converter(_CitizenForm, "dossier_citizen_form")

app_name = "dossier_documents"

urlpatterns = [
    path(
        "dossiers/<int:dossier_id>/<dossier_staff_form:form>.pdf",
        views.dossier_pdf,
        name="dossier_pdf",
    ),
    path("dossiers/<int:dossier_id>/06.xlsx", views.dossier_xlsx, name="dossier_xlsx"),
    path("register.pdf", views.register, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("my/<int:dossier_id>/<dossier_citizen_form:form>.pdf", views.my_pdf, name="my_pdf"),
]
