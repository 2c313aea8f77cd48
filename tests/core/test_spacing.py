"""No stray spaces in what people read (issue 15, item 9): no space before punctuation, none
doubled, and no whitespace at the edges of a link, a button or a badge (a template's line
break inside one shows as an underlined blank), on the main pages in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from egov.dossiers import services
from egov.dossiers.services import Applicant
from egov.procedures.models import ProcedureFee
from tests.dossiers.conftest import desk  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

INLINE = {"a", "button", "label", "strong", "code", "time", "span", "th", "td", "dt", "dd",
          "li", "p", "h1", "h2", "h3", "summary", "option", "legend"}  # fmt: skip
EDGES = {"a", "button", "summary", "option"}  # and any element with class "badge"
SKIP = {"script", "style", "textarea", "pre", "svg"}


class Text(HTMLParser):
    """The text of a page as a reader sees it, and the text of each link, button, badge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool, list[str]]] = []
        self.edges: list[tuple[str, str]] = []
        self.skipping = 0
        self.doubled: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skipping += 1
            return
        if tag in ("br", "input", "img", "meta", "link", "hr", "source", "wbr"):
            self.parts.append(" ")
            return
        classes = (dict(attrs).get("class") or "").split()
        watch = tag in EDGES or "badge" in classes
        self.stack.append((tag, watch, []))
        if tag not in INLINE:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                name, watch, chunks = self.stack.pop(i)
                if watch:
                    self.edges.append((name, "".join(chunks)))
                if i > 0:
                    self.stack[i - 1][2].extend(chunks)
                del self.stack[i:]
                break
        if tag not in INLINE:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.skipping:
            return
        self.parts.append(data)
        self.doubled.extend(m.group(0) for m in re.finditer(r"\S+ {2,}\S+", data))
        if self.stack:
            self.stack[-1][2].append(data)


def problems(html: str) -> list[str]:
    parser = Text()
    parser.feed(html)
    out = []
    for tag, text in parser.edges:
        if text.strip() and text != text.strip():
            out.append(f"whitespace at the edge of <{tag}>: {text!r}")
    out.extend(f"doubled space: {text!r}" for text in parser.doubled)
    for line in "".join(parser.parts).split("\n"):
        line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
        for m in re.finditer(r"\S* [,.;:!?)%](?=\s|$)|\( \S*", line):
            if m.group(0).strip() not in ("·", "—", "–", "→"):
                out.append(f"space before punctuation: {line!r}")
    return out


@pytest.fixture
def pages(desk):  # noqa: F811
    ProcedureFee.objects.create(procedure=desk.permit, name="Lệ phí", amount=8000)
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), files=[],
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_request_payment(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, amount=8000, comment="Lệ phí"
    )
    return {
        "public": ["/", "/procedures/", f"/procedures/{desk.permit.code}/", "/lookup/",
                   "/statistics/", "/feedback/",
                   "/procedures/?q=giay+phep"],
        "citizen": ["/dossiers/", f"/dossiers/{d.pk}/", "/accounts/profile/"],
        "desk": ["/staff/", "/staff/dossiers/", "/staff/feedback/"],
        "specialist": ["/staff/dossiers/", f"/staff/dossiers/{d.pk}/"],
    }  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_main_pages_have_no_stray_spaces(client, desk, world, pages, language):  # noqa: F811
    client.cookies["django_language"] = language
    found = {}
    for who, urls in pages.items():
        if who == "citizen":
            client.force_login(desk.citizen)
        elif who == "desk":
            client.force_login(desk.desk)
        elif who == "specialist":
            client.force_login(desk.specialist)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if issues := problems(response.content.decode()):
                found[url] = issues
    client.force_login(world.admin)
    for url in ("/staff/stats/", "/staff/stats/dossiers/?metric=received"):
        if issues := problems(client.get(url).content.decode()):
            found[url] = issues
    assert found == {}
