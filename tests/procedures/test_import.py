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
from egov.procedures.exchange import read_json, read_path, read_workbook
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
    line = next(line for line in err.splitlines() if line.startswith("procedures\t2\t"))
    assert f"\t{field}\t" in line and reason in line
    assert Procedure.objects.count() == 0


def test_bad_step_duration_names_its_row(world, tmp_path):
    steps = [{"name": "A", "duration": "abc"}, {"name": "B", "duration": -1}]
    doc = document(procedure("1.001193", "X", steps=steps))
    ok, _out, err = run_import(write_catalog(tmp_path, doc))
    assert not ok
    assert "procedures[1].steps\t1\tduration\t'abc' is not a number" in err
    assert "procedures[1].steps\t2\tduration" in err


def test_skip_invalid_imports_the_valid_ones(world, tmp_path):
    doc = document(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure("1.000894", "Kết hôn", processing_time=9),
    )
    ok, out, err = run_import(write_catalog(tmp_path, doc), "--skip-invalid")
    assert ok
    assert "Imported 1 procedure(s)" in out and "skipped 1 invalid" in out
    assert "procedures\t2\tsteps" in err
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
