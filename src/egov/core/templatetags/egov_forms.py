"""The error summary every egov form shows at its top (the GOV.UK Design System's pattern):
"There is a problem", then each error as a link to its field.

In a template: ``{% include "core/forms/error_summary.html" with form=form %}``, or with
formsets too ``{% load egov_forms %}{% error_summary form fees components %}``. A page whose
fields are not a Django form passes its ``{field: [messages]}`` as ``errors`` and the prefix
of its inputs' ids as ``id_prefix``.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


def _anchor(field: forms.BoundField) -> str:
    """The id of the element a link to ``field`` goes to: its input, or its first choice
    for radio buttons and checkbox lists (they have no single input)."""
    if not field.auto_id:
        return ""
    return field.id_for_label or f"{field.auto_id}_0"


def _label(field: forms.BoundField) -> str:
    return str(field.label or field.name).rstrip(" *:")


def _form_items(form: forms.BaseForm, row: int | None = None) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    items: list[tuple[str, str]] = []
    for message in form.non_field_errors():
        items.append(("", str(message)))
    for field in form:
        if not field.errors:
            continue
        label = _label(field)
        if row is not None:
            label = _("%(label)s (row %(number)s)") % {"label": label, "number": row}
        for message in field.errors:
            if field.is_hidden:
                items.append(("", str(message)))
            else:
                separator = " " if label.endswith("?") else ": "
                items.append((_anchor(field), f"{label}{separator}{message}"))
    return items


def summary_items(*objects: Any) -> list[tuple[str, str]]:
    """``(anchor id or "", text)`` for every error of these forms and formsets, in the order
    of the page."""
    items: list[tuple[str, str]] = []
    for obj in objects:
        if isinstance(obj, forms.BaseFormSet):
            if not obj.is_bound:
                continue
            items.extend(("", str(m)) for m in obj.non_form_errors())
            for number, row in enumerate(obj.forms, start=1):
                items.extend(_form_items(row, number))
        elif isinstance(obj, forms.BaseForm):
            items.extend(_form_items(obj))
    return items


def _summary_id(objects: tuple[Any, ...]) -> str:
    for obj in objects:
        auto_id = getattr(obj, "auto_id", None)
        prefix = getattr(obj, "prefix", None)
        if isinstance(obj, forms.BaseForm) and isinstance(auto_id, str) and "%s" in auto_id:
            return auto_id % (f"{prefix}-error-summary" if prefix else "error-summary")
    return "error-summary"


def _dict_items(errors: Any, id_prefix: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for name, messages in dict(errors or {}).items():
        anchor = f"{id_prefix}{name}" if name and name != "__all__" else ""
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            items.append((anchor, str(message)))
    return items


@register.inclusion_tag("core/forms/_error_summary.html")
def error_summary(
    *objects: Any, errors: Any = None, id_prefix: str = "", note: str = ""
) -> dict[str, Any]:
    """The summary of the errors of the forms and formsets given, or of an ``errors`` dict
    (nothing when there is none); ``note`` is a sentence shown under the heading."""
    items = summary_items(*objects) + _dict_items(errors, id_prefix)
    return {"items": items, "summary_id": _summary_id(objects), "note": note}
