"""axe-core on every public and staff page, in Chromium: no violation is allowed.

The pages come from the URL resolver, not from a hand-kept list: every named URL outside the
admin and the API is either in PAGES (who signs in, how to build its arguments from the demo-like
data below) or in NOT_PAGES with the reason it is not a page axe can check. A new URL that is in
neither fails `test_every_url_is_checked_or_excluded`, so no page is skipped silently.

axe-core comes from the `axe-playwright-python` test dependency (it bundles axe.min.js), so
nothing is fetched from a CDN. Vietnamese is checked on a phone (390 px) with maps that have no
base map, English on a desktop (1280 px) with a base map egov serves and a credit with a link:
the two layouts, the two languages and both kinds of map. Every request a page makes is also
checked to stay on egov's own host.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.conftest import screenshot
from tests.dossiers.conftest import desk  # noqa: F401  (the fixture)
from tests.feedback.conftest import fb  # noqa: F401  (the fixture)

AXE_PLAYWRIGHT = pytest.importorskip("axe_playwright_python.sync_playwright")


# --- What is checked ----------------------------------------------------------------------------

# Whole parts of the URL map that are not egov's pages.
NOT_PAGES_PREFIXES = {
    "admin/": "Django's admin: Django's own templates, for administrators (not egov's pages)",
    "api/v1/": "the JSON API; its /docs page is django-ninja's bundled Swagger UI",
}

# URL names that are not pages: files, feeds, redirects, fragments and POST-only actions.
NOT_PAGES = {
    "set_language": "POST only: the language switcher's action (checked on every page's header)",
    "javascript-catalog": "JavaScript, not a page",
    "accounts:logout": "POST only: signs out and redirects",
    "accounts:token_create": "POST only (htmx): answers the token panel of the profile page",
    "accounts:token_revoke": "POST only (htmx): answers the token panel of the profile page",
    "dossiers_staff:act": "POST only: an action's form posts here and is redirected to the page",
    "dossiers_staff:file": "a dossier's uploaded file (a download)",
    "feedback_staff:act": "POST only: an action's form posts here and is redirected to the page",
    "feedback_staff:photo": "a photo (an image file)",
    "feedback_staff:redact_photo": "POST only: the redaction form of the report page",
    "dossier_documents:dossier_pdf": "a PDF slip",
    "dossier_documents:dossier_xlsx": "an Excel slip",
    "dossier_documents:register": "a PDF register",
    "dossier_documents:register_xlsx": "an Excel register",
    "dossier_documents:my_pdf": "a PDF slip",
    "open311_staff:api_client_revoke": "POST only: the revoke button of the keys page",
    "stats_staff:report": "a PDF report",
    "stats_staff:export": "a CSV or Excel export",
    "procedures:form": "a form's file (a download)",
    "feedback:nearby": "an htmx fragment of the report form (possible duplicates)",
    "feedback:feed_all_rss": "an RSS feed",
    "feedback:feed_all_atom": "an Atom feed",
    "feedback:feed_area_rss": "an RSS feed",
    "feedback:feed_area_atom": "an Atom feed",
    "feedback:feed_category_rss": "an RSS feed",
    "feedback:feed_category_atom": "an Atom feed",
    "feedback:photo": "a photo (an image file)",
    "feedback:zalo_webhook": "POST only: the Zalo bridge's signed webhook (JSON)",
    "feedback:rate": "POST only: the rating form of the report page",
    "feedback:reopen": "POST only: the reopening form of the report page",
    "dossiers:supplement": "POST only: the supplement form of the citizen's dossier page",
    "dossiers:withdraw": "POST only: the withdrawal form of the citizen's dossier page",
    "dossiers:rate": "POST only: the rating form of the citizen's dossier page",
    "dossiers:file": "a dossier's uploaded file (a download)",
    "directory:agencies": "JSON for the agency typeahead of forms (checked on those forms)",
    "directory:communes": "JSON for the commune typeahead of forms (checked on those forms)",
    "feedback:tile": "a map tile (an image) from EGOV_MAP_TILES_FILE",
    "open311:index": "a redirect to the Open311 discovery document (XML)",
    "open311:discovery": "Open311 XML or JSON",
    "open311:services": "Open311 XML or JSON",
    "open311:service": "Open311 XML or JSON",
    "open311:requests": "Open311 XML or JSON",
    "open311:request": "Open311 XML or JSON",
    "open311:token": "Open311 XML or JSON",
    "open311:updates": "Open311 XML or JSON",
    "open311/v2/^(?P<path>.*)$": "Open311's JSON or XML error for an unknown path",
}


@dataclass
class Visit:
    """One state of a page: who is signed in (a key of Site.users, or None), its arguments and
    query built from the Site, and optionally a form's button to press first: the form is sent
    empty, so the page must then announce its errors (role=alert)."""

    user: str | None = None
    kwargs: Callable[[Site], dict[str, Any]] = lambda site: {}
    query: str = ""
    submit: str = ""
    status: int = 200


SUBMIT = "main form button[type=submit]"

PAGES: dict[str, list[Visit]] = {
    "home": [Visit(), Visit("citizen")],
    "accounts:login": [Visit(), Visit(submit=SUBMIT)],
    "accounts:register": [Visit(), Visit(submit=SUBMIT)],
    "accounts:profile": [Visit("citizen")],
    "procedures_staff:list": [Visit("admin")],
    "procedures_staff:new": [Visit("admin"), Visit("admin", submit=SUBMIT, status=400)],
    "procedures_staff:edit": [Visit("admin", lambda s: {"code": s.permit.code})],
    "dossiers_staff:inbox": [Visit("desk"), Visit("specialist")],
    "dossiers_staff:desk_new": [Visit("desk")],
    "dossiers_staff:desk_submit": [
        Visit("desk", lambda s: {"code": s.permit.code}),
        Visit("desk", lambda s: {"code": s.permit.code}, submit=SUBMIT),
    ],
    "dossiers_staff:dossier": [
        Visit("desk", lambda s: {"dossier_id": s.submitted.pk}),
        Visit("specialist", lambda s: {"dossier_id": s.in_progress.pk}),
        Visit("specialist", lambda s: {"dossier_id": s.paused.pk}),
    ],
    "feedback_staff:inbox": [Visit("leader_a")],
    "feedback_staff:hotline": [
        Visit("desk"),
        Visit("desk", query="?category=road-damage"),
        Visit("desk", query="?category=road-damage", submit=SUBMIT, status=400),
    ],
    "feedback_staff:report": [
        Visit("leader_a", lambda s: {"report_id": s.placed.pk}),
        Visit("leader_b", lambda s: {"report_id": s.address_only.pk}),
    ],
    "open311_staff:api_clients": [Visit("admin")],
    "stats_staff:dashboard": [Visit("admin")],
    "stats_staff:drilldown": [Visit("admin", query="?metric=received")],
    "stats:public": [Visit()],
    "organizations:staff_home": [Visit("admin"), Visit("desk")],
    "organizations:agency_list": [Visit("admin")],
    "organizations:agency_detail": [Visit("admin", lambda s: {"agency_id": s.department.pk})],
    "organizations:agency_edit": [Visit("admin", lambda s: {"agency_id": s.department.pk})],
    "procedures:list": [Visit()],
    "procedures:detail": [Visit(None, lambda s: {"code": s.permit.code})],
    "feedback:list": [Visit()],
    "feedback:new": [
        Visit(),
        Visit(query="?category=road-damage"),
        Visit(query="?category=road-damage", submit=SUBMIT, status=400),
    ],
    "feedback:mine": [Visit("citizen")],
    "feedback:figures": [Visit()],
    "feedback:feeds": [Visit()],
    "feedback:detail": [
        Visit(None, lambda s: {"public_id": s.placed.public_id}),
        Visit(None, lambda s: {"public_id": s.address_only.public_id}),
    ],
    "dossiers:lookup": [Visit(), Visit(submit=SUBMIT, status=400)],
    "dossiers:mine": [Visit("citizen")],
    "dossiers:submit": [
        Visit("citizen", lambda s: {"code": s.permit.code}),
        Visit("citizen", lambda s: {"code": s.permit.code}, submit=SUBMIT),
    ],
    "dossiers:detail": [
        Visit("citizen", lambda s: {"dossier_id": s.paused.pk}),
        Visit("citizen", lambda s: {"dossier_id": s.returned.pk}),
    ],
}

# States that no URL name stands for: the error pages.
EXTRA: list[tuple[str, Visit]] = [
    ("/procedures/0.000000/", Visit(status=404)),
    ("/staff/dossiers/", Visit("citizen", status=403)),
]


def _url_names() -> Iterator[tuple[str, str]]:
    """(name, route) of every URL outside NOT_PAGES_PREFIXES; unnamed ones by their route."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if any(route.startswith(skip) for skip in NOT_PAGES_PREFIXES):
                continue
            if isinstance(p, URLResolver):
                inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace
                yield from walk(p.url_patterns, route, inner or namespace)
            elif isinstance(p, URLPattern):
                yield (f"{namespace}:{p.name}" if namespace else p.name) if p.name else route, route

    yield from walk(get_resolver().url_patterns, "", "")


def test_every_url_is_checked_or_excluded() -> None:
    names = {name for name, _route in _url_names()}
    unlisted = names - set(PAGES) - set(NOT_PAGES)
    assert not unlisted, f"add these to PAGES (or NOT_PAGES, with a reason): {sorted(unlisted)}"
    assert not set(PAGES) & set(NOT_PAGES)
    stale = (set(PAGES) | set(NOT_PAGES)) - names
    assert not stale, f"no longer in the URL map: {sorted(stale)}"


# --- The data: the demo's shape, built through the services ------------------------------------


@dataclass
class Site:
    world: Any
    desk_setup: Any
    permit: Any
    department: Any
    submitted: Any
    in_progress: Any
    paused: Any
    returned: Any
    placed: Any
    address_only: Any
    users: dict[str, Any] = field(default_factory=dict)


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def build_site(world: Any, setup: Any) -> Site:
    from egov.accounts.services import api_token_create
    from egov.dossiers import services as ds
    from egov.dossiers.services import ActionInput, Applicant, Upload
    from egov.feedback import services as fs
    from egov.open311.services import api_client_create
    from egov.procedures.models import ProcedureComponent
    from egov.stats.services import queue_drain
    from tests.feedback.conftest import jpeg_with_gps

    drawing = ProcedureComponent.objects.create(
        procedure=setup.permit, order=0, name="Bản vẽ thiết kế", mandatory=True
    )
    applicant = Applicant(name="Nguyễn Văn An", phone="0912345678", address="Số 1 Trần Hưng Đạo")

    def submitted() -> Any:
        return ds.dossier_submit(
            actor=setup.citizen, procedure=setup.permit, agency=None, channel="online",
            applicant=applicant, files=[Upload(drawing.pk, "ban-ve.pdf", PDF)],
        )  # fmt: skip

    def act(actor: Any, dossier: Any, action: str, **data: Any) -> Any:
        return ds.dossier_act(
            actor=actor, dossier_id=dossier.pk, action=action,
            data=ActionInput(version=dossier.version, **data),
        )  # fmt: skip

    def handed_over() -> Any:
        return act(setup.desk, act(setup.desk, submitted(), "receive"), "hand_over",
                   to_agency=setup.department)  # fmt: skip

    waiting = submitted()
    in_progress = act(setup.specialist, handed_over(), "assign", assignee=setup.specialist)
    paused = act(setup.specialist, handed_over(), "request_supplement", missing="Bản sao căn cước.")
    returned = act(setup.leader, handed_over(), "complete",
                   files=(Upload(None, "giay-phep.pdf", PDF),))  # fmt: skip
    returned = act(setup.desk, returned, "return_result")
    queue_drain()

    placed = fs.report_create(
        actor=world.citizen, channel="web", service_code="road-damage", description="Ổ gà lớn",
        address="Ngõ 7 Lê Lợi", lat=10.5353, long=106.4134, attributes={"size": "small"},
        photos=[fs.PhotoUpload("a.jpg", jpeg_with_gps((80, 60)))],
    )  # fmt: skip
    address_only = fs.report_create(
        actor=None, channel="app", service_code="street-light", description="Đèn đường tắt",
        address="Số 12 đường Trần Phú", contact=fs.Contact(phone="0912345678"),
    )  # fmt: skip
    api_client_create(actor=None, name="Ứng dụng phản ánh")
    api_token_create(user=world.citizen, name="Ứng dụng di động")
    site = Site(
        world=world, desk_setup=setup, permit=setup.permit, department=setup.department,
        submitted=waiting, in_progress=in_progress, paused=paused, returned=returned,
        placed=placed, address_only=address_only,
    )  # fmt: skip
    site.users = {
        "citizen": setup.citizen, "admin": world.admin, "desk": setup.desk,
        "specialist": setup.specialist, "leader_a": world.leader_a, "leader_b": world.leader_b,
    }  # fmt: skip
    return site


@pytest.fixture
def site(world, desk, fb) -> Site:  # noqa: F811
    return build_site(world, desk)


# --- The browser sweep -------------------------------------------------------------------------


def _signed_in_context(browser: Any, base: str, language: str, viewport: dict, user: Any) -> Any:
    context = browser.new_context(
        locale="vi-VN" if language == "vi" else "en-GB", viewport=viewport
    )
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}]
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base})
    context.add_cookies(cookies)
    return context


# Rules whose "needs review" (incomplete) answer fails too: the map credit's links were one
# (Leaflet's translucent credit over its blended tiles left axe unable to decide).
MUST_BE_DECIDED = {"link-in-text-block"}


def _describe(url: str, violation: dict[str, Any]) -> str:
    nodes = "; ".join(
        f"{' '.join(map(str, n['target']))}: {n.get('failureSummary', '').splitlines()[-1:]}"
        for n in violation["nodes"][:5]
    )
    return f"{url} [{violation['id']}, {violation.get('impact')}] {violation['help']} — {nodes}"


def _visits(site: Site) -> Iterator[tuple[str, str, Visit]]:
    for name, visits in PAGES.items():
        for number, visit in enumerate(visits):
            yield f"{name}-{number}", reverse(name, kwargs=visit.kwargs(site)) + visit.query, visit
    for number, (path, visit) in enumerate(EXTRA):
        yield f"extra-{number}", path, visit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "viewport"),
    [("vi", {"width": 390, "height": 844}), ("en", {"width": 1280, "height": 900})],
    ids=["vi-phone", "en-desktop"],
)
def test_axe_finds_no_violation_on_any_page(
    browser, live_server, site, language, viewport, settings, tmp_path
) -> None:
    if language == "en":
        # The maps with a base map egov serves and a credit with a link (link-in-text-block);
        # in Vietnamese, without one (the map's message).
        from tests.feedback.test_map import mbtiles

        settings.EGOV_MAP_TILES_FILE = str(mbtiles(tmp_path / "tinh.mbtiles"))
        settings.EGOV_MAP_ATTRIBUTION = '&copy; <a href="/feedback/">OpenStreetMap</a> contributors'
    base = live_server.url
    host = urlsplit(base).netloc
    axe = AXE_PLAYWRIGHT.Axe()
    contexts: dict[str | None, Any] = {}
    problems: list[str] = []
    outside: set[str] = set()
    checked = 0

    def stay_home(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != host:
            outside.add(url)
            route.abort()
        else:
            route.continue_()

    try:
        for key, path, visit in _visits(site):
            if visit.user not in contexts:
                user = site.users[visit.user] if visit.user else None
                contexts[visit.user] = _signed_in_context(browser, base, language, viewport, user)
                contexts[visit.user].route("**/*", stay_home)
            page = contexts[visit.user].new_page()
            page.set_default_timeout(15000)
            response = page.goto(base + path)
            if visit.submit:
                # The server's answer is what is checked, so the browser's own checks of
                # required fields are turned off, as on a browser without them.
                page.eval_on_selector(
                    visit.submit, "b => { if (b.form) b.form.noValidate = true; }"
                )
                with page.expect_navigation() as navigation:
                    page.click(visit.submit)
                response = navigation.value
                path += " (submitted)"
                if page.locator("main [role=alert]").count() == 0:  # an empty form: errors
                    problems.append(f"{path}: no error is announced (role=alert)")
            if response is None or response.status != visit.status:
                status = response.status if response else None
                problems.append(f"{path}: answered {status}, not {visit.status}")
            if (lang := page.locator("html").get_attribute("lang")) != language:
                problems.append(f"{path}: the page's language is {lang}, not {language}")
            title = page.title()
            if not title.strip() or "<" in title:
                problems.append(f"{path}: the page's title is {title!r}")
            results = axe.run(page, options={"resultTypes": ["violations", "incomplete"]})
            found = results.response["violations"] + [
                review
                for review in results.response["incomplete"]
                if review["id"] in MUST_BE_DECIDED
            ]
            for violation in found:
                problems.append(_describe(path, violation))
            if found:
                screenshot(page, f"axe-{language}-{re.sub(r'[^a-z0-9]+', '-', key.lower())}")
            checked += 1
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert checked == sum(len(v) for v in PAGES.values()) + len(EXTRA)
    assert not outside, f"requests left egov's host: {sorted(outside)}"
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)
