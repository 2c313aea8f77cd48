"""Writes of organizations: divisions, agencies and staff roles."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from vietnam_provinces import Province, Ward

from egov.accounts.validators import normalize_email
from egov.core.errors import NotFound, PermissionDenied, ValidationFailed
from egov.core.services import audit_record_create, model_changes
from egov.core.text import fold
from egov.organizations import permissions
from egov.organizations.models import (
    AdministrativeLevel,
    AdministrativeUnit,
    Agency,
    AgencyType,
    StaffAssignment,
    StaffRole,
)
from egov.organizations.selectors import SITE_CACHE_KEY

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


# The fields of an agency a leader may edit from the staff area or the API.
AGENCY_EDITABLE_FIELDS = ["name", "short_name", "address", "phone", "email", "website"]


def validate_agency_code(code: str) -> str:
    code = code.strip().upper()
    if not re.fullmatch(settings.EGOV_AGENCY_CODE_PATTERN, code):
        raise ValidationFailed(
            fields={
                "code": [
                    _(
                        "The identifier code must look like 000.00.04.H40: "
                        "four groups separated by dots."
                    )
                ]
            }
        )
    return code


def _agency_contact_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "name" in values and not str(values["name"]).strip():
        errors["name"] = [_("The name is required.")]
    if values.get("email"):
        try:
            normalize_email(values["email"])
        except DjangoValidationError as exc:
            errors["email"] = list(exc.messages)
    if values.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(values["website"])
        except DjangoValidationError:
            errors["website"] = [_("Enter a valid web address, starting with https://.")]
    if values.get("phone") and not re.fullmatch(r"[0-9+ ().-]{3,32}", values["phone"]):
        errors["phone"] = [_("Enter a valid phone number.")]
    return errors


def _search_text(agency: Agency) -> str:
    return fold(f"{agency.name} {agency.short_name} {agency.code}")[:400]


def _set_path(agency: Agency) -> None:
    parent_path = agency.parent.path if agency.parent_id and agency.parent else "/"
    agency.path = f"{parent_path}{agency.pk}/"
    agency.depth = parent_path.count("/") - 1
    Agency.objects.filter(pk=agency.pk).update(path=agency.path, depth=agency.depth)


@transaction.atomic
def agency_create(
    *,
    actor: User | AnonymousUser | None,
    code: str,
    name: str,
    type: AgencyType,
    parent: Agency | None = None,
    administrative_unit: AdministrativeUnit | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    check_permission: bool = True,
) -> Agency:
    """Create an agency under ``parent``. Only a provincial administrator may, from a page or
    the API; loaders running as the system pass ``check_permission=False``."""
    if check_permission:
        permissions.require_province_admin(actor)
    code = validate_agency_code(code)
    values = {
        "name": name.strip(),
        "short_name": short_name.strip(),
        "address": address.strip(),
        "phone": phone.strip(),
        "email": email.strip(),
        "website": website.strip(),
    }
    errors = _agency_contact_errors(values)
    if Agency.objects.filter(code=code).exists():
        errors.setdefault("code", []).append(_("An agency with this identifier code exists."))
    if errors:
        raise ValidationFailed(fields=errors)
    agency = Agency(
        code=code,
        type=type,
        parent=parent,
        administrative_unit=administrative_unit,
        **values,
    )
    agency.search_text = _search_text(agency)
    agency.save()
    _set_path(agency)
    audit_record_create(
        actor=actor,
        action="organizations.agency.create",
        obj=agency,
        agency_id=agency.pk,
        changes={"code": code, "name": agency.name, "parent": parent.code if parent else None},
    )
    return agency


@transaction.atomic
def agency_update(*, actor: User | AnonymousUser | None, agency: Agency, **values: Any) -> Agency:
    """Change an agency's details. A leader of the agency (or of a parent) or a provincial
    administrator may; anyone else is refused, and one who cannot even see it is told it does
    not exist."""
    if not permissions.read_scope(actor).contains(agency):
        raise NotFound(_("Agency not found."))
    if not permissions.change_scope(actor).contains(agency):
        raise PermissionDenied(_("Only a leader of this agency or an administrator may change it."))
    unknown = set(values) - set(AGENCY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={name: [_("This field cannot be changed.")] for name in unknown}
        )
    cleaned = {
        k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if v is not None
    }
    errors = _agency_contact_errors(cleaned)
    if errors:
        raise ValidationFailed(fields=errors)
    # Lock the row so that two leaders saving at once write one after the other.
    locked = Agency.objects.select_for_update().get(pk=agency.pk)
    before = {name: getattr(locked, name) for name in AGENCY_EDITABLE_FIELDS}
    for name, value in cleaned.items():
        setattr(locked, name, value)
    changes = model_changes(locked, before, AGENCY_EDITABLE_FIELDS)
    if changes:
        locked.search_text = _search_text(locked)
        locked.save()
        audit_record_create(
            actor=actor,
            action="organizations.agency.update",
            obj=locked,
            agency_id=locked.pk,
            changes=changes,
        )
        caches["local"].delete(SITE_CACHE_KEY)
    return locked


@transaction.atomic
def staff_role_assign(
    *,
    actor: User | AnonymousUser | None,
    user: User,
    agency: Agency,
    role: str,
    title: str = "",
    check_permission: bool = True,
) -> StaffAssignment:
    """Give ``user`` a role in ``agency``. Only a provincial administrator may."""
    if check_permission:
        permissions.require_province_admin(actor)
    if role not in StaffRole.values:
        raise ValidationFailed(fields={"role": [_("Unknown role.")]})
    if not user.is_active:
        raise ValidationFailed(fields={"user": [_("This account is deactivated.")]})
    try:
        with transaction.atomic():
            assignment = StaffAssignment.objects.create(
                user=user, agency=agency, role=role, title=title.strip()
            )
    except IntegrityError:
        raise ValidationFailed(
            fields={"role": [_("This person already holds this role in this agency.")]}
        ) from None
    if not user.is_staff:
        # Staff members may open the staff area; the admin site also checks permissions.
        type(user).objects.filter(pk=user.pk).update(is_staff=True)
        user.is_staff = True
    permissions.forget_cached_roles(user)
    audit_record_create(
        actor=actor,
        action="organizations.staff.assign",
        obj=assignment,
        agency_id=agency.pk,
        changes={"user": user.get_username() or user.phone, "role": role, "agency": agency.code},
    )
    return assignment


@transaction.atomic
def staff_role_remove(*, actor: User | AnonymousUser | None, assignment: StaffAssignment) -> None:
    permissions.require_province_admin(actor)
    audit_record_create(
        actor=actor,
        action="organizations.staff.remove",
        obj=assignment,
        agency_id=assignment.agency_id,
        changes={"role": assignment.role, "agency": assignment.agency.code},
    )
    assignment.delete()
    permissions.forget_cached_roles(assignment.user)


# --- Administrative divisions --------------------------------------------------------------


def _level(code: str) -> AdministrativeLevel:
    try:
        return AdministrativeLevel.objects.get(code=code)
    except AdministrativeLevel.DoesNotExist:
        raise NotFound(
            _("The administrative level '%(code)s' is not configured.") % {"code": code}
        ) from None


@transaction.atomic
def divisions_load_province(
    *, actor: User | AnonymousUser | None, province: Province
) -> AdministrativeUnit:
    """Load ``province`` and all its communes from the ``vietnam-provinces`` package.

    Running it again updates names and adds what is new; it never deletes a unit.
    """
    province_level = _level("province")
    commune_level = _level("commune")
    unit, created = AdministrativeUnit.objects.update_or_create(
        code=str(int(province.code)),
        defaults={
            "name": province.name,
            "division_type": province.division_type.value,
            "level": province_level,
            "parent": None,
            "search_name": fold(province.name),
        },
    )
    existing = set(AdministrativeUnit.objects.filter(parent=unit).values_list("code", flat=True))
    new_units = []
    for ward in Ward.iter_by_province(province.code):
        code = str(int(ward.code))
        if code in existing:
            AdministrativeUnit.objects.filter(code=code).update(
                name=ward.name, division_type=ward.division_type.value, search_name=fold(ward.name)
            )
            continue
        new_units.append(
            AdministrativeUnit(
                code=code,
                name=ward.name,
                division_type=ward.division_type.value,
                level=commune_level,
                parent=unit,
                search_name=fold(ward.name),
            )
        )
    AdministrativeUnit.objects.bulk_create(new_units)
    audit_record_create(
        actor=actor,
        action="organizations.divisions.load",
        obj=unit,
        changes={"province": province.name, "created": created, "communes_added": len(new_units)},
    )
    caches["local"].delete(SITE_CACHE_KEY)
    return unit
