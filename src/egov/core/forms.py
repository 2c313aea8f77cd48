from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class EgovFormRenderer(DjangoTemplates):
    """Django's renderer with egov's field template: each field in a block of its own."""

    field_template_name = "core/forms/field.html"
