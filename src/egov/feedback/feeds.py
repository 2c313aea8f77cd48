"""RSS 2.0 and Atom feeds of public reports: all of them, per area (an administrative unit and
the units directly under it) and per category. Each item is a report, with its status and the
agency's response; the newest 50."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.feedback import selectors
from egov.feedback.selectors import PublicReport
from egov.organizations.models import AdministrativeUnit

ITEMS = 50


class _ReportFeed(Feed):
    feed_type: Any = Rss201rev2Feed

    def filters(self, obj: Any) -> dict[str, Any]:
        return {}

    def title(self, obj: Any) -> str:
        return _("Citizen reports")

    def link(self, obj: Any) -> str:
        return reverse("feedback:list")

    def description(self, obj: Any) -> str:
        return _("Reports of citizens and the responses of the agencies.")

    def items(self, obj: Any) -> list[PublicReport]:
        return selectors.public_reports_list(**self.filters(obj), limit=ITEMS)

    def item_title(self, item: PublicReport) -> str:
        return (
            f"{item.service_name} — {item.address or item.public_id} ({item.get_status_display()})"
        )

    def item_description(self, item: PublicReport) -> str:
        text = item.description
        if item.status_notes:
            text += "\n\n" + _("Response of %(agency)s: %(notes)s") % {
                "agency": item.agency_responsible,
                "notes": item.status_notes,
            }
        return text

    def item_link(self, item: PublicReport) -> str:
        return reverse("feedback:detail", args=[item.public_id])

    def item_guid(self, item: PublicReport) -> str:
        return item.public_id

    item_guid_is_permalink = False

    def item_pubdate(self, item: PublicReport) -> datetime:
        return item.requested_at

    def item_updateddate(self, item: PublicReport) -> datetime:
        return item.updated_at

    def item_categories(self, item: PublicReport) -> list[str]:
        return [item.service_name]


class _Atom:
    feed_type: Any = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)  # type: ignore[attr-defined,no-any-return]


class AllRss(_ReportFeed):
    pass


class AllAtom(_Atom, AllRss):
    pass


class AreaRss(_ReportFeed):
    def get_object(self, request: HttpRequest, area_id: int) -> AdministrativeUnit:  # type: ignore[override]
        unit = AdministrativeUnit.objects.filter(pk=area_id).first()
        if unit is None:
            raise Http404
        return unit

    def filters(self, obj: AdministrativeUnit) -> dict[str, Any]:
        return {"area_id": obj.pk}

    def title(self, obj: AdministrativeUnit) -> str:
        return _("Citizen reports in %(area)s") % {"area": obj.name}

    def link(self, obj: AdministrativeUnit) -> str:
        return reverse("feedback:list") + f"?area={obj.pk}"


class AreaAtom(_Atom, AreaRss):
    pass


class CategoryRss(_ReportFeed):
    def get_object(self, request: HttpRequest, code: str) -> Any:  # type: ignore[override]
        try:
            return selectors.category_get_by_code(code)
        except NotFound:
            raise Http404 from None

    def filters(self, obj: Any) -> dict[str, Any]:
        return {"service_codes": [obj.service_code]}

    def title(self, obj: Any) -> str:
        return _("Citizen reports: %(category)s") % {"category": obj.display_name}

    def link(self, obj: Any) -> str:
        return reverse("feedback:list") + f"?category={obj.service_code}"


class CategoryAtom(_Atom, CategoryRss):
    pass
