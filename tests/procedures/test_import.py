from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from egov.core.errors import PermissionDenied
from egov.core.models import AuditRecord
from egov.procedures.exchange import document_tables, read_json, read_path, read_workbook
from egov.procedures.models import Procedure, ProcedureComponent
from egov.procedures.services import CatalogImportFailed, catalog_import
from tests.procedures.conftest import DOCX, document, procedure, write_catalog


def run_import(path, *args):
    """The command's output in English (the default, Vietnamese, is checked in test_i18n)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with translation.override("en"):
            call_command("catalog", "import", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def problems(err: str) -> dict[str, list[str]]:
    """The command's report: each bad row's heading ("procedures, row 2") and its lines,
    one per bad cell ("field: message")."""
    rows: dict[str, list[str]] = {}
    heading = ""
    for line in err.splitlines():
        if line.startswith("  "):
            rows[heading].append(line.strip())
        elif line.endswith(":"):
            heading = line[:-1]
            assert heading not in rows, f"{heading} is reported twice"
            rows[heading] = []
    return rows


def test_import_creates_procedures_with_children_and_audit(catalog, world):
    birth = Procedure.objects.get(code="1.001193")
    assert birth.sector.code == "HT" and birth.level.code == "commune"
    assert [s.name for s in birth.steps.all()] == ["Tiếp nhận", "Thẩm định", "Ký"]
    assert birth.components.get(order=0).form.read() == DOCX
    assert birth.name_folded == "dang ky khai sinh"
    permit = Procedure.objects.get(code="1.009994")
    assert permit.implementing_agency == world.a and permit.for_organizations
    record = AuditRecord.objects.filter(
        action="procedures.procedure.create", object_id=str(permit.pk)
    ).get()
    assert record.agency_id == world.a.pk and record.actor == world.admin


def test_cli_import_json_with_forms(world, tmp_path):
    path = write_catalog(tmp_path, document(procedure("1.001193", "Đăng ký khai sinh")))
    ok, out, _err = run_import(path)
    assert ok, _err
    assert "Imported 1 procedure(s): 1 new, 0 updated" in out
    assert Procedure.objects.get().components.first().form_name == "to-khai.docx"
    ok, out, _err = run_import(path)
    assert "0 new, 1 updated" in out
    assert Procedure.objects.get().version == 2


@pytest.mark.parametrize(
    ("override", "field", "reason"),
    [
        ({"processing_time": 4}, "steps", "add up to 3"),
        ({"processing_time": -1}, "processing_time", "greater than zero"),
        ({"processing_time": 5000}, "processing_time", "not a plausible"),
        ({"sector": "NOPE"}, "sector", "Unknown sector"),
        ({"implementing_agency": "999.99.99.Z99"}, "implementing_agency", "No agency"),
        ({"level": "district"}, "level", "Unknown administrative level"),
        ({"code": "12345"}, "code", "1.001193"),
        ({"online_type": "level4"}, "online_type", "full, partial or info"),
        ({"targets": []}, "targets", "at least one target"),
    ],
)
def test_bad_procedure_is_reported_by_row_and_field_and_nothing_imported(
    world, tmp_path, override, field, reason
):
    second = {**procedure("1.000894", "Đăng ký kết hôn"), **override}
    doc = document(procedure("1.001193", "Đăng ký khai sinh"), second)
    ok, _out, err = run_import(write_catalog(tmp_path, doc))
    assert not ok
    assert "Nothing was imported" in err
    (line,) = [line for line in problems(err)["procedures, row 2"] if line.startswith(field)]
    assert line.startswith(f"{field}: ") and reason in line
    assert Procedure.objects.count() == 0


def test_bad_step_duration_names_its_row(world, tmp_path):
    steps = [{"name": "A", "duration": "abc"}, {"name": "B", "duration": -1}]
    doc = document(procedure("1.001193", "X", steps=steps))
    ok, _out, err = run_import(write_catalog(tmp_path, doc))
    assert not ok
    report = problems(err)
    # One message for the unreadable cell, not also "must be greater than zero" for its 0.
    assert report["procedures[1].steps, row 1"] == ["duration: 'abc' is not a number."]
    assert report["procedures[1].steps, row 2"] == [
        "duration: A step's allotted time must be greater than zero."
    ]


def test_problems_are_grouped_by_sheet_and_row_with_one_message_per_cell(world, tmp_path):
    bad = procedure(
        "12", "", targets=["x", "y"], processing_time="abc", channels=["fax", "pigeon"],
        fees=[{"name": "Lệ phí", "amount": "lots"}],
        steps=[{"name": "", "duration": "z"}, {"name": "B", "duration": 3, "role": "boss"}],
    )  # fmt: skip
    doc = document(procedure("1.001193", "Đăng ký khai sinh"), bad)
    ok, _out, err = run_import(write_catalog(tmp_path, doc))
    assert not ok
    assert problems(err) == {
        "procedures, row 2": [
            "code: A procedure code looks like 1.001193 (a digit, a dot, six digits).",
            "name: The name is required.",
            "targets: Unknown targets 'x', 'y'.",
            "processing_time: 'abc' is not a number.",
            "channels: Unknown channels 'fax', 'pigeon'. "
            "A procedure provided online must list the online channel.",
        ],
        "procedures[2].fees, row 1": ["amount: 'lots' is not a whole number."],
        "procedures[2].steps, row 1": [
            "name: The step needs a name.",
            "duration: 'z' is not a number.",
        ],
        "procedures[2].steps, row 2": ["role: Unknown role 'boss'."],
    }
    assert "Nothing was imported: 9 problem(s) in 4 row(s)" in err
    assert Procedure.objects.count() == 0


def test_excel_problems_follow_the_sheets_order(world, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in document_tables(document(procedure("1.001193", "X"))).items():
        worksheet = workbook.create_sheet(sheet)
        for row in rows:
            worksheet.append(row)
    workbook["steps"].append(["9.999999", "Mồ côi", "", "", 1])
    workbook["procedures"]["J2"] = "nine"  # processing_time
    workbook["fees"]["C2"] = "free"  # amount
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "to-khai.docx").write_bytes(DOCX)
    ok, _out, err = run_import(path)
    assert not ok
    assert list(problems(err).items()) == [
        ("procedures, row 2", ["processing_time: 'nine' is not a number."]),
        ("fees, row 2", ["amount: 'free' is not a whole number."]),
        ("steps, row 5", ["procedure_code: No procedure with the code '9.999999' in this file."]),
    ]


def test_skip_invalid_imports_the_valid_ones(world, tmp_path):
    doc = document(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure("1.000894", "Kết hôn", processing_time=9),
    )
    ok, out, err = run_import(write_catalog(tmp_path, doc), "--skip-invalid")
    assert ok
    assert "Imported 1 procedure(s)" in out and "skipped 1 invalid" in out
    assert problems(err)["procedures, row 2"][0].startswith("steps: The steps add up to")
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]


def test_missing_and_fake_form_files(world, tmp_path):
    ok, _out, err = run_import(
        write_catalog(tmp_path, document(procedure("1.001193", "X")), forms={})
    )
    assert not ok and "to-khai.docx' was not found" in err
    fake = {"to-khai.docx": b"MZ\x90\x00 this is an executable"}
    ok, _out, err = run_import(
        write_catalog(tmp_path, document(procedure("1.001193", "X")), forms=fake)
    )
    assert not ok and "is not a real docx file" in err
    assert Procedure.objects.count() == 0


def test_malformed_files(world, tmp_path):
    garbage = tmp_path / "c.json"
    garbage.write_text("{not json", encoding="utf-8")
    assert "Not a valid JSON file" in run_import(garbage)[2]
    other = tmp_path / "d.json"
    other.write_text('{"hello": 1}', encoding="utf-8")
    assert "not an egov procedure catalog" in run_import(other)[2]
    fake_xlsx = tmp_path / "c.xlsx"
    fake_xlsx.write_bytes(b"not a workbook")
    assert "Not a readable Excel" in run_import(fake_xlsx)[2]
    unknown = tmp_path / "c.txt"
    unknown.write_text("x")
    assert ".json, .xlsx or .zip" in run_import(unknown)[2]
    assert Procedure.objects.count() == 0


def test_only_administrators_import(world):
    source = read_json(json.dumps(document(procedure("1.001193", "X"))).encode())
    with pytest.raises(PermissionDenied):
        catalog_import(actor=world.leader_a, source=source)


def test_excel_round_trip(catalog, world, tmp_path):
    path = tmp_path / "out.xlsx"
    call_command("catalog", "export", str(path), stdout=io.StringIO())
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["sectors", "procedures", "fees", "components", "steps"]
    sheet = workbook["procedures"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "1.001193")
    sheet.cell(
        row=[r[0].value for r in sheet.iter_rows(min_row=1)].index("1.001193") + 1,
        column=header.index("name") + 1,
        value="Đăng ký khai sinh (sửa)",
    )
    workbook.save(path)
    assert row[header.index("targets")] == "citizen"
    ok, out, err = run_import(path)
    assert ok, err
    assert "0 new, 3 updated" in out
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh (sửa)"
    assert Procedure.objects.get(code="1.001193").components.get(order=0).form.read() == DOCX


def test_excel_errors_name_sheet_and_row(world, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    procedures = workbook.create_sheet("procedures")
    procedures.append(
        [
            "code",
            "name",
            "sector",
            "level",
            "implementing_agency_type",
            "targets",
            "processing_time",
            "time_unit",
            "online_type",
            "channels",
        ]
    )
    procedures.append(
        [
            "1.001193",
            "Khai sinh",
            "HT",
            "commune",
            "commune_pc",
            "citizen",
            2,
            "working_days",
            "info",
            "counter",
        ]
    )
    steps = workbook.create_sheet("steps")
    steps.append(["procedure_code", "name", "duration"])
    steps.append(["1.001193", "Một bước", 1])
    steps.append(["9.999999", "Mồ côi", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = read_workbook(buffer.getvalue())
    with pytest.raises(CatalogImportFailed) as exc:
        catalog_import(actor=None, source=source, check_permission=False)
    issues = {(i.sheet, i.row, i.field) for i in exc.value.report.issues}
    assert ("steps", 3, "procedure_code") in issues  # the orphan step row
    assert ("procedures", 2, "sector") in issues  # no sector HT anywhere
    assert ("procedures", 2, "steps") in issues  # 1 ≠ 2 working days
    assert Procedure.objects.count() == 0


def test_csv_zip_round_trip_with_forms(catalog, world, tmp_path):
    path = tmp_path / "catalog.zip"
    call_command("catalog", "export", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        assert {"procedures.csv", "steps.csv", "forms/to-khai.docx"} <= set(archive.namelist())
    Procedure.objects.filter(code="1.001193").update(name="changed")
    source = read_path(path)
    assert not source.issues and source.form_files == {"to-khai.docx": DOCX}
    report = catalog_import(actor=world.admin, source=source)
    assert report.updated == 3
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh"
    assert ProcedureComponent.objects.exclude(form="").count() == 3
