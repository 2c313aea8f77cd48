"""The hand-over form proposes where the procedure's next step is handled, in a searchable
list; the citizen's choice of commune is searchable too."""

from __future__ import annotations

import re

import pytest

from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.selectors import next_step_agency
from egov.dossiers.services import ActionInput, Applicant
from egov.organizations.models import StaffRole
from egov.procedures.models import ProcedureStep
from tests.procedures.conftest import catalog  # noqa: F401  (the fixture)


def act(user, d, action, **data):
    return services.dossier_act(
        actor=user, dossier_id=d.pk, action=action, data=ActionInput(version=d.version, **data)
    )


def received(desk):
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An"),
    )  # fmt: skip
    return act(desk.desk, d, "receive")


def hand_over_select(client, d):
    """The hand-over form's select, as the page sends it."""
    html = client.get(f"/staff/dossiers/{d.pk}/").content.decode()
    form = html.split(f'action="/staff/dossiers/{d.pk}/actions/hand_over/"')[1].split("</form>")[0]
    return re.search(r"<select[^>]*>.*?</select>", form, re.S).group(0)


def selected(select):
    return re.findall(r'<option value="(\d+)" selected>', select)


def test_from_the_desk_the_implementing_department_is_proposed(client, desk):
    d = received(desk)
    assert next_step_agency(Dossier.objects.get(pk=d.pk)) == desk.department
    client.force_login(desk.desk)
    select = hand_over_select(client, d)
    assert selected(select) == [str(desk.department.pk)]
    assert 'data-typeahead="/directory/agencies/"' in select
    # Every agency is still a choice, for the page without JavaScript.
    assert select.count("<option") > 3


def test_inside_the_department_the_next_step_stays_there(client, desk):
    d = act(desk.desk, received(desk), "hand_over", to_agency=desk.department)
    client.force_login(desk.specialist)
    assert selected(hand_over_select(client, d)) == [str(desk.department.pk)]


def test_a_step_that_names_its_agency_or_the_desk(desk, world):
    d = act(desk.desk, received(desk), "hand_over", to_agency=desk.department)
    step = ProcedureStep.objects.get(procedure=desk.permit, order=2)
    step.handler = "so b"  # as written in the catalog, without diacritics
    step.save()
    assert next_step_agency(Dossier.objects.get(pk=d.pk)) == world.b
    step.handler, step.role = "Bộ phận một cửa", StaffRole.DESK_OFFICER
    step.save()
    assert next_step_agency(Dossier.objects.get(pk=d.pk)) == desk.center


def test_an_unknown_agency_is_refused_and_nothing_changes(client, desk):
    d = received(desk)
    client.force_login(desk.desk)
    response = client.post(
        f"/staff/dossiers/{d.pk}/actions/hand_over/",
        {"version": d.version, "to_agency": "not a number"},
    )
    assert response.status_code == 400
    assert Dossier.objects.get(pk=d.pk).version == d.version


@pytest.mark.usefixtures("catalog")
def test_the_citizen_searches_the_commune_where_to_submit(client, world):
    client.force_login(world.citizen)
    html = client.get("/dossiers/new/1.001193/").content.decode()
    select = re.search(r'<select name="agency".*?</select>', html, re.S).group(0)
    assert 'data-typeahead="/directory/agencies/?type=commune_pc"' in select


@pytest.mark.usefixtures("catalog")
def test_at_the_desk_the_officers_own_communes_are_a_plain_list(client, world):
    """The search would offer every commune; the desk enters dossiers for its own only."""
    from tests import factories

    commune = factories.agency("Ủy ban nhân dân xã Thử", type_code="commune_pc")
    officer = factories.staff(commune, StaffRole.DESK_OFFICER)
    client.force_login(officer)
    html = client.get("/staff/dossiers/new/1.001193/").content.decode()
    select = re.search(r'<select name="agency".*?</select>', html, re.S).group(0)
    assert "data-typeahead" not in select
    assert f'<option value="{commune.pk}"' in select
