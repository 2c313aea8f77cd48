"""The admin pages save and delete through the services: checked, audited."""

from __future__ import annotations

from datetime import date, time

from django.urls import reverse

from egov.accounts.models import UserKind
from egov.core.models import AuditRecord
from egov.worktime import selectors
from egov.worktime.models import CalendarException, CalendarSettings
from egov.worktime.services import calendar_exception_create
from tests import factories


def superuser():
    return factories.user(kind=UserKind.STAFF, is_staff=True, is_superuser=True)


def test_add_and_delete_an_exception(client, db):
    client.force_login(superuser())
    url = reverse("admin:worktime_calendarexception_add")
    response = client.post(url, {"date": "2026-10-10", "kind": "working", "reason": "Làm bù"})
    assert response.status_code == 302, response.content.decode()[:2000]
    exception = CalendarException.objects.get()
    assert AuditRecord.objects.filter(action="worktime.exception.create").count() == 1
    assert selectors.calendar_get().is_working_day(date(2026, 10, 10))

    url = reverse("admin:worktime_calendarexception_delete", args=[exception.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not CalendarException.objects.exists()
    assert AuditRecord.objects.filter(action="worktime.exception.delete").count() == 1


def test_admin_form_shows_service_errors(client, db):
    client.force_login(superuser())
    url = reverse("admin:worktime_calendarexception_add")
    response = client.post(url, {"date": "2026-10-12", "kind": "working", "reason": "x"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date"]
    assert not CalendarException.objects.exists()


def test_bulk_delete_goes_through_the_service(client, world):
    for day in (date(2026, 10, 10), date(2026, 10, 17)):
        calendar_exception_create(actor=world.admin, date=day, kind="working", reason="Làm bù")
    client.force_login(superuser())
    response = client.post(
        reverse("admin:worktime_calendarexception_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(CalendarException.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not CalendarException.objects.exists()
    assert AuditRecord.objects.filter(action="worktime.exception.delete").count() == 2


def test_settings_page(client, db):
    client.force_login(superuser())
    changelist = client.get(reverse("admin:worktime_calendarsettings_changelist"))
    url = reverse("admin:worktime_calendarsettings_change", args=[1])
    assert changelist.status_code == 302 and changelist["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert "07:30" in page.content.decode()

    values = {
        "morning_start": "07:30",
        "morning_end": "11:30",
        "afternoon_start": "13:00",
        "afternoon_end": "17:30",
        "cutoff_time": "15:00",
    }
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarSettings.objects.get()
    assert row.afternoon_start == time(13, 0) and row.cutoff_time == time(15, 0)
    assert AuditRecord.objects.filter(action="worktime.settings.update").count() == 1

    response = client.post(url, {**values, "morning_end": "14:00"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["afternoon_start"]
    assert CalendarSettings.objects.get().morning_end == time(11, 30)


def test_staff_who_are_not_province_admins_cannot_change(client, world):
    from django.contrib.auth.models import Permission

    world.leader_a.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="worktime")
    )
    client.force_login(world.leader_a)
    response = client.post(
        reverse("admin:worktime_calendarexception_add"),
        {"date": "2026-10-10", "kind": "working", "reason": "x"},
    )
    assert response.status_code == 403
    assert not CalendarException.objects.exists()
