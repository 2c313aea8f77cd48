"""What every form shares: the accept attribute of upload fields, the error summary, and the
temporary area that keeps valid uploads across a page shown again with errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from egov.core import uploads
from egov.core.forms import KeepsUploads, accept_attribute
from tests.forms_html import accept_problems, parse


def test_accept_gives_each_ending_one_dot_and_its_media_type() -> None:
    value = accept_attribute([".pdf", "docx", ".PDF", ".jpg"])
    assert value == (
        ".pdf,.docx,.jpg,application/pdf,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,image/jpeg"
    )
    assert accept_problems(value) == []
    assert accept_problems("..pdf,..docx") == ["..pdf", "..docx"]  # what pages sent before


class _Form(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on the card")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        self.add_error(None, "The whole form is wrong.")
        return self.cleaned_data


@pytest.mark.parametrize(
    ("language", "heading"), [("vi", "Có lỗi cần sửa"), ("en", "There is a problem")]
)
def test_error_summary_links_each_error_to_its_field(language, heading) -> None:
    form = _Form({"name": "", "kind": "zzz"})
    with translation.override(language):
        html = render_to_string("core/forms/error_summary.html", {"form": form})
        field_html = form["name"].as_field_group()
    summary = parse(html).find("div", class_="error-summary")
    assert summary is not None
    assert summary.attrs["role"] == "alert" and summary.attrs["tabindex"] == "-1"
    assert "data-error-summary" in summary.attrs  # egov/forms.js focuses it on load
    title = summary.find("h2")
    assert title is not None and title.text == heading
    assert summary.attrs["aria-labelledby"] == title.attrs["id"]
    items = summary.find_all("li")
    assert items[0].text == "The whole form is wrong." and items[0].find("a") is None
    links = [(a.attrs["href"], a.text) for a in summary.find_all("a")]
    assert [href for href, _text in links] == ["#id_name", "#id_kind_0"]  # first radio
    assert links[0][1].startswith("Full name: ")
    # The field keeps its own message, which its input names in aria-describedby.
    field = parse(field_html)
    described = field.find("input", id="id_name").attrs["aria-describedby"].split()
    assert "id_name_error" in described and field.by_id("id_name_error") is not None


def test_no_summary_for_an_unbound_or_valid_form() -> None:
    assert "error-summary" not in render_to_string(
        "core/forms/error_summary.html", {"form": _Form()}
    )
    valid = forms.Form({})
    assert valid.is_valid()
    assert "error-summary" not in render_to_string("core/forms/error_summary.html", {"form": valid})


class _Row(forms.Form):
    amount = forms.IntegerField(label="Amount")


def test_summary_of_a_formset_names_the_row() -> None:
    from django.template import Context, Template

    rows = forms.formset_factory(_Row, extra=0)(
        {"r-TOTAL_FORMS": "2", "r-INITIAL_FORMS": "0", "r-0-amount": "1", "r-1-amount": "x"},
        prefix="r",
    )
    with translation.override("en"):
        html = Template("{% load egov_forms %}{% error_summary rows %}").render(
            Context({"rows": rows})
        )
    links = parse(html).find_all("a")
    assert [a.attrs["href"] for a in links] == ["#id_r-1-amount"]
    assert links[0].text.startswith("Amount (row 2): ")


# --- the temporary upload area --------------------------------------------------------------


def test_a_kept_upload_is_found_only_by_its_session_and_token() -> None:
    kept = uploads.keep_upload(SimpleUploadedFile("đơn.pdf", b"%PDF-1"), owner="session-1")
    assert kept.path.startswith("uploads-pending/") and "đơn" not in kept.path
    again = uploads.kept_upload(kept.token, owner="session-1")
    assert again is not None and again.name == "đơn.pdf" and again.read() == b"%PDF-1"
    assert uploads.kept_upload(kept.token, owner="session-2") is None  # another session
    assert uploads.kept_upload(kept.token[:-2] + "xx", owner="session-1") is None  # forged
    uploads.discard_upload(kept)
    assert uploads.kept_upload(kept.token, owner="session-1") is None  # gone


def test_a_token_cannot_name_a_file_outside_the_area() -> None:
    from django.core import signing

    name = default_storage.save("dossiers/someone-else.pdf", SimpleUploadedFile("x", b"%PDF"))
    token = signing.dumps(
        {"p": name, "n": "x.pdf", "s": 4, "t": "application/pdf"},
        salt="egov.core.uploads:session-1",
        compress=True,
    )
    assert uploads.kept_upload(token, owner="session-1") is None
    default_storage.delete(name)


def test_stale_kept_uploads_are_cleaned_up_by_the_worker_sweep(monkeypatch) -> None:
    from django.apps import apps

    old = uploads.keep_upload(SimpleUploadedFile("old.pdf", b"%PDF-old"), owner="s")
    later = timezone.now() + timedelta(hours=uploads.PENDING_UPLOAD_HOURS + 2)
    uploads.pending_uploads_cleanup(now=later - timedelta(hours=3))
    assert default_storage.exists(old.path)  # still young: its token still works
    assert uploads.pending_uploads_cleanup(now=later) >= 1
    assert not default_storage.exists(old.path)
    # The worker's sweep runs it (once an hour).
    stale = uploads.keep_upload(SimpleUploadedFile("stale.pdf", b"%PDF"), owner="s")
    config = apps.get_app_config("core")
    monkeypatch.setattr(config, "_last_cleanup", 0.0)
    original = uploads.pending_uploads_cleanup
    monkeypatch.setattr(uploads, "pending_uploads_cleanup", lambda now=None: original(now=later))
    assert config.worker_sweep() >= 1
    assert not default_storage.exists(stale.path)
    again = uploads.keep_upload(SimpleUploadedFile("again.pdf", b"%PDF"), owner="s")
    assert config.worker_sweep() is None  # not again within the hour
    assert default_storage.exists(again.path)


class _UploadForm(KeepsUploads, forms.Form):
    title = forms.CharField()
    document = forms.FileField(required=False, widget=forms.ClearableFileInput)

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_kept_uploads(owner)


def test_a_form_keeps_a_valid_upload_and_gives_it_back_on_the_next_submission() -> None:
    first = _UploadForm(
        {"title": ""}, {"document": SimpleUploadedFile("a.pdf", b"%PDF-a")}, owner="s1"
    )
    assert not first.is_valid()
    first.keep_valid_uploads()
    token = first.kept_uploads["document"].token
    with translation.override("en"):
        html = parse(first["document"].as_widget())
    hidden = html.find("input", type="hidden", name="document_kept")
    assert hidden is not None and hidden.attrs["value"] == token
    assert "Already attached: a.pdf" in html.text and html.find("input", name="document_remove")
    note = html.find("input", type="file").attrs["aria-describedby"].split()[-1]
    assert html.by_id(note) is not None and "a.pdf" in html.by_id(note).text
    second = _UploadForm({"title": "x", "document_kept": token}, {}, owner="s1")
    assert second.is_valid()
    uploaded = second.upload("document")
    assert uploaded is not None and uploaded.name == "a.pdf" and uploaded.read() == b"%PDF-a"
    second.discard_kept_uploads()
    assert uploads.kept_upload(token, owner="s1") is None
    # Removed by the person: not given back.
    third = _UploadForm(
        {"title": "", "document_kept": token, "document_remove": "1"}, {}, owner="s1"
    )
    assert third.upload("document") is None
