"""Form widgets shared by egov's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class TypeaheadSelect(forms.Select):
    """A plain ``<select>`` that ``egov/typeahead.js`` (loaded by base.html) turns into a
    searchable list: a text box with the ARIA combobox pattern, whose suggestions come from
    ``url`` (a JSON search on the server, ``?q=``). Without JavaScript it stays the select,
    with every choice, so the form works the same; either way the select's value is sent
    and the form field validates it."""

    def __init__(self, url: str | Promise, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.url = url

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-typeahead": str(self.url),
                "data-typeahead-placeholder": str(_("Type a few letters to search…")),
                "data-typeahead-hint": str(
                    _("Type to search, then use the arrow keys and Enter to choose.")
                ),
            }
        )
        return context
