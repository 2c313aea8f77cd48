"""Demo data: a province with its agencies, communes, staff for each role and citizens.

Everything is created through the same services that pages and the API use, so the demo
also exercises permissions-free system paths and writes the audit log.

Agency identifier codes here only follow the configured pattern (000.00.00.H80 and so on);
a real installation loads its province's official codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from vietnam_provinces import Province

from egov.accounts.models import User, UserKind
from egov.accounts.services import staff_user_create, user_register
from egov.organizations.defaults import ensure_defaults
from egov.organizations.models import AdministrativeUnit, Agency, AgencyType, StaffRole
from egov.organizations.services import agency_create, divisions_load_province, staff_role_assign

DEMO_PASSWORD = "egov-demo-2026"
DEMO_EMAIL_DOMAIN = "egov.example"

# Departments of a provincial People's Committee after the 2025 reorganization, with some of
# their internal units. (Name in Vietnamese, short name, internal units.)
DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("Văn phòng Ủy ban nhân dân tỉnh", "VP UBND", ["Phòng Kiểm soát thủ tục hành chính"]),
    ("Sở Nội vụ", "SNV", ["Phòng Tổ chức, biên chế", "Phòng Lao động, việc làm"]),
    ("Sở Tư pháp", "STP", ["Phòng Hành chính tư pháp", "Phòng Bổ trợ tư pháp"]),
    ("Sở Tài chính", "STC", ["Phòng Đăng ký kinh doanh", "Phòng Quản lý giá, công sản"]),
    ("Sở Công Thương", "SCT", ["Phòng Xuất nhập khẩu"]),
    (
        "Sở Nông nghiệp và Môi trường",
        "SNNMT",
        ["Phòng Quản lý đất đai", "Văn phòng Đăng ký đất đai"],
    ),
    ("Sở Xây dựng", "SXD", ["Phòng Quản lý xây dựng", "Phòng Quản lý giao thông"]),
    ("Sở Khoa học và Công nghệ", "SKHCN", ["Phòng Chuyển đổi số"]),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", []),
    ("Sở Y tế", "SYT", ["Phòng Nghiệp vụ dược"]),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", []),
    ("Thanh tra tỉnh", "TTT", []),
]


DEMO_CATALOG = Path(__file__).resolve().parent / "procedures" / "data" / "demo_catalog.json"


@dataclass
class DemoResult:
    province: str
    created: bool
    agencies: int = 0
    communes: int = 0
    procedures: int = 0
    dossiers: int = 0
    sign_ins: list[tuple[str, str, str]] = field(default_factory=list)  # (who, sign-in, password)


def province_letter_code(province: Province) -> str:
    return f"H{int(province.code) % 100:02d}"


def _agency_type(code: str) -> AgencyType:
    return AgencyType.objects.get(code=code)


def demo_province_agency(province: Province) -> Agency | None:
    return Agency.objects.filter(code=f"000.00.00.{province_letter_code(province)}").first()


def _demo_sign_ins() -> list[tuple[str, str, str]]:
    rows = [
        ("Provincial administrator (superuser)", f"admin@{DEMO_EMAIL_DOMAIN}"),
        ("One-stop desk officer (service center)", f"motcua@{DEMO_EMAIL_DOMAIN}"),
        ("Specialist (Department of Justice)", f"chuyenvien@{DEMO_EMAIL_DOMAIN}"),
        ("Leader (Department of Justice)", f"lanhdao@{DEMO_EMAIL_DOMAIN}"),
        ("Clerk (People's Committee office)", f"vanthu@{DEMO_EMAIL_DOMAIN}"),
        ("Operations center viewer", f"ioc@{DEMO_EMAIL_DOMAIN}"),
        ("Commune desk officer", f"xa.motcua@{DEMO_EMAIL_DOMAIN}"),
        ("Commune leader", f"xa.lanhdao@{DEMO_EMAIL_DOMAIN}"),
        ("Citizen", f"congdan@{DEMO_EMAIL_DOMAIN}"),
        ("Citizen (by mobile number)", "0912345678"),
        ("Business", f"doanhnghiep@{DEMO_EMAIL_DOMAIN}"),
    ]
    return [(who, sign_in, DEMO_PASSWORD) for who, sign_in in rows]


@transaction.atomic
def demo_load(province: Province) -> DemoResult:
    """Load the demo for ``province``; does nothing but report when it is already loaded."""
    result = DemoResult(province=province.name, created=False, sign_ins=_demo_sign_ins())
    result.sign_ins.append(demo_open311_key())
    if demo_province_agency(province) is not None:
        return result
    result.created = True
    ensure_defaults()
    letter = province_letter_code(province)
    unit = divisions_load_province(actor=None, province=province)

    def create(
        code: str, name: str, type_code: str, parent: Agency | None, **extra: object
    ) -> Agency:
        result.agencies += 1
        return agency_create(
            actor=None,
            code=code,
            name=name,
            type=_agency_type(type_code),
            parent=parent,
            check_permission=False,
            **extra,  # type: ignore[arg-type]
        )

    short = province.name.removeprefix("Thành phố ")
    is_city = province.name.startswith("Thành phố")
    pc_name = f"Ủy ban nhân dân {'thành phố' if is_city else 'tỉnh'} {short}"
    people_committee = create(
        f"000.00.00.{letter}",
        pc_name,
        "provincial_pc",
        None,
        administrative_unit=unit,
        short_name="UBND",
        email=f"ubnd@{DEMO_EMAIL_DOMAIN}",
    )
    departments: dict[str, Agency] = {}
    for number, (name, short_name, units) in enumerate(DEPARTMENTS, start=1):
        department = create(
            f"000.00.{number:02d}.{letter}",
            f"{name} {short}" if name.startswith("Sở") else name,
            "department",
            people_committee,
            administrative_unit=unit,
            short_name=short_name,
        )
        departments[short_name] = department
        for unit_number, unit_name in enumerate(units, start=1):
            create(
                f"000.{unit_number:02d}.{number:02d}.{letter}",
                unit_name,
                "internal_unit",
                department,
                administrative_unit=unit,
            )
    service_center = create(
        f"000.00.{len(DEPARTMENTS) + 1:02d}.{letter}",
        f"Trung tâm Phục vụ hành chính công {'thành phố' if is_city else 'tỉnh'} {short}",
        "service_center",
        people_committee,
        administrative_unit=unit,
        short_name="TTPVHCC",
        phone="1022",
    )
    communes = list(AdministrativeUnit.objects.filter(parent=unit).order_by("code"))
    first_commune: Agency | None = None
    for number, commune in enumerate(communes, start=1):
        agency = create(
            f"{number:03d}.00.99.{letter}",
            f"Ủy ban nhân dân {commune.name[:1].lower()}{commune.name[1:]}",
            "commune_pc",
            None,
            administrative_unit=commune,
        )
        result.communes += 1
        first_commune = first_commune or agency

    justice = departments["STP"]
    office = departments["VP UBND"]
    roles: list[tuple[str, str, Agency | None, str, str]] = [
        # (full name, email, agency, role, job title)
        (
            "Nguyễn Văn Quản",
            f"admin@{DEMO_EMAIL_DOMAIN}",
            people_committee,
            StaffRole.PROVINCE_ADMIN,
            "Quản trị hệ thống",
        ),
        (
            "Trần Thị Mai",
            f"motcua@{DEMO_EMAIL_DOMAIN}",
            service_center,
            StaffRole.DESK_OFFICER,
            "Công chức một cửa",
        ),
        (
            "Lê Văn Hùng",
            f"chuyenvien@{DEMO_EMAIL_DOMAIN}",
            justice,
            StaffRole.SPECIALIST,
            "Chuyên viên",
        ),
        ("Phạm Thị Lan", f"lanhdao@{DEMO_EMAIL_DOMAIN}", justice, StaffRole.LEADER, "Giám đốc Sở"),
        ("Hoàng Văn Nam", f"vanthu@{DEMO_EMAIL_DOMAIN}", office, StaffRole.CLERK, "Văn thư"),
        (
            "Vũ Thị Hoa",
            f"ioc@{DEMO_EMAIL_DOMAIN}",
            people_committee,
            StaffRole.IOC_VIEWER,
            "Cán bộ giám sát IOC",
        ),
        (
            "Đặng Văn Bình",
            f"xa.motcua@{DEMO_EMAIL_DOMAIN}",
            first_commune,
            StaffRole.DESK_OFFICER,
            "Công chức một cửa",
        ),
        (
            "Bùi Thị Thu",
            f"xa.lanhdao@{DEMO_EMAIL_DOMAIN}",
            first_commune,
            StaffRole.LEADER,
            "Chủ tịch UBND",
        ),
    ]
    for full_name, email, role_agency, role, title in roles:
        if role_agency is None:
            continue
        user = User.objects.filter(email=email).first() or staff_user_create(
            actor=None,
            full_name=full_name,
            email=email,
            password=DEMO_PASSWORD,
            check_permission=False,
        )
        staff_role_assign(
            actor=None,
            user=user,
            agency=role_agency,
            role=role,
            title=title,
            check_permission=False,
        )
        if role == StaffRole.PROVINCE_ADMIN and not user.is_superuser:
            User.objects.filter(pk=user.pk).update(is_superuser=True)

    citizens = [
        dict(
            full_name="Nguyễn Thị Hồng",
            email=f"congdan@{DEMO_EMAIL_DOMAIN}",
            citizen_id="072190001234",
        ),
        dict(full_name="Trần Văn Minh", phone="0912345678", citizen_id="080089005678"),
        dict(
            full_name="Lê Thị Kim",
            email=f"doanhnghiep@{DEMO_EMAIL_DOMAIN}",
            kind=UserKind.BUSINESS,
            organization_name="Công ty TNHH Thương mại Demo",
            tax_code="0100112437",
        ),
    ]
    result.procedures = demo_catalog_load(letter)
    for data in citizens:
        exists = User.objects.filter(email=data.get("email")) if data.get("email") else None
        if exists is not None and exists.exists():
            continue
        user_register(password=DEMO_PASSWORD, **data)  # type: ignore[arg-type]
    result.dossiers = demo_dossiers_load(letter, first_commune)
    demo_feedback_load(letter)
    return result


def demo_catalog_load(province_letter: str) -> int:
    """Import the demo catalog: 40-odd procedures at province and commune level, with forms.

    The file names province-level agencies by their demo identifier codes with the
    placeholder ``{province}`` for the last group (e.g. ``000.00.03.{province}``).
    """
    from egov.procedures.exchange import add_forms, read_json
    from egov.procedures.services import catalog_import

    text = DEMO_CATALOG.read_text(encoding="utf-8").replace("{province}", province_letter)
    source = read_json(text.encode("utf-8"))
    forms_dir = DEMO_CATALOG.parent / "forms"
    add_forms(
        source, ((p.name, p.read_bytes()) for p in sorted(forms_dir.iterdir()) if p.is_file())
    )
    report = catalog_import(actor=None, source=source, check_permission=False)
    return report.imported


DEMO_PDF = b"%PDF-1.4\n% egov demo document\n%%EOF\n"


def demo_dossiers_load(province_letter: str, first_commune: Agency | None) -> int:
    """A few dossiers at every stage, made through the same services officers use, so that
    the inbox, the dossier pages, the slips and the lookup have something to show."""
    from egov.dossiers import services as dossier_services
    from egov.dossiers.services import Applicant, Upload
    from egov.procedures.models import Channel, Procedure

    def user(email: str) -> User:
        return User.objects.get(email=f"{email}@{DEMO_EMAIL_DOMAIN}")

    desk, specialist, leader = user("motcua"), user("chuyenvien"), user("lanhdao")
    citizen = user("congdan")
    justice = Agency.objects.get(code=f"000.00.03.{province_letter}")
    record = Procedure.objects.get(code="2.000488")  # judicial record certificate
    applicant = Applicant(
        name=citizen.full_name, id_number=citizen.citizen_id or "", phone="0912345678",
        email=citizen.email or "", address="Số 1 đường Trần Hưng Đạo",
    )  # fmt: skip

    def files(procedure: Procedure) -> list[Upload]:
        return [
            Upload(c.pk, f"{c.name[:40]}.pdf", DEMO_PDF)
            for c in procedure.components.all()
            if c.mandatory
        ]

    def submitted(procedure: Procedure = record, agency: Agency | None = None) -> Any:
        return dossier_services.dossier_submit(
            actor=citizen, procedure=procedure, agency=agency, channel=Channel.ONLINE,
            applicant=applicant, files=files(procedure),
        )  # fmt: skip

    def act(actor: User, dossier: Any, action: str, **data: Any) -> Any:
        return dossier_services.dossier_act(
            actor=actor, dossier_id=dossier.pk, action=action,
            data=dossier_services.ActionInput(version=dossier.version, **data),
        )  # fmt: skip

    submitted()  # waits at the desk
    d = act(desk, submitted(), "receive")
    # Received, handed over to the wrong department by mistake, and recalled from it.
    wrong = (
        Agency.objects.filter(type__code="department", is_active=True)
        .exclude(pk=justice.pk)
        .order_by("path")
        .first()
    )
    if wrong is not None:
        d = act(desk, d, "hand_over", to_agency=wrong)
        act(desk, d, "recall", reason="Chuyển nhầm: lý lịch tư pháp do Sở Tư pháp giải quyết.")
    d = act(desk, act(desk, submitted(), "receive"), "hand_over", to_agency=justice)
    act(specialist, d, "assign", assignee=specialist)
    d = act(desk, act(desk, submitted(), "receive"), "hand_over", to_agency=justice)
    act(specialist, d, "request_supplement", missing="Bổ sung bản sao căn cước công dân.")
    d = act(desk, act(desk, submitted(), "receive"), "hand_over", to_agency=justice)
    d = act(specialist, d, "hand_over", to_agency=justice, comment="Trình lãnh đạo ký")
    d = act(leader, d, "complete", files=(Upload(None, "phieu-ly-lich-tu-phap.pdf", DEMO_PDF),))
    d = act(desk, act(desk, submitted(), "receive"), "hand_over", to_agency=justice)
    d = act(leader, d, "complete", files=(Upload(None, "phieu-ly-lich-tu-phap.pdf", DEMO_PDF),))
    d = act(desk, d, "return_result")
    dossier_services.dossier_rate(actor=citizen, dossier_id=d.pk, value="very_satisfied")
    act(desk, submitted(), "refuse", reason="Người yêu cầu không thuộc đối tượng được cấp.")
    count = 7
    if first_commune is not None:
        birth = Procedure.objects.filter(code="1.001193").first()
        if birth is not None:
            submitted(birth, first_commune)
            count += 1
    return count


DEMO_OPEN311_CLIENT = "Ứng dụng phản ánh (demo)"


def demo_open311_key() -> tuple[str, str, str]:
    """Issue a fresh Open311 API key for the demo client application, revoking the previous
    ones (a key is stored only as a hash, so each run of the demo prints a new one)."""
    from egov.open311.models import ApiClient
    from egov.open311.services import api_client_create, api_client_revoke

    for old in ApiClient.objects.filter(name=DEMO_OPEN311_CLIENT, revoked_at__isnull=True):
        api_client_revoke(actor=None, client_id=old.pk)
    _client, key = api_client_create(actor=None, name=DEMO_OPEN311_CLIENT)
    return ("Open311 api_key (POST /open311/v2/requests.xml)", key, "")


def demo_feedback_load(province_letter: str) -> int:
    """Feedback categories routed to the demo departments, and reports at every stage
    (received, in progress, answered and rated, rejected, a duplicate, an anonymous one by
    hotline); returns the number of reports."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from egov.feedback import services as fb

    admin = User.objects.filter(email=f"admin@{DEMO_EMAIL_DOMAIN}").first()
    if admin is None:
        return 0

    def agency(short_name: str) -> Agency:
        return Agency.objects.get(short_name=short_name, code__endswith=f".{province_letter}")

    categories = [
        ("road-damage", "Hư hỏng đường, vỉa hè", "Road or pavement damage", "Giao thông",
         "SXD", 5, "ổ gà, đường, vỉa hè", [
             {"code": "size", "description": "Mức độ hư hỏng", "datatype": "singlevaluelist",
              "required": True, "order": 1, "values": [
                  {"key": "small", "name": "Nhỏ (dưới 1 m²)"},
                  {"key": "large", "name": "Lớn (từ 1 m² trở lên)"}]},
             {"code": "blocking", "description": "Cản trở giao thông?", "datatype": "singlevaluelist",
              "order": 2, "values": [{"key": "yes", "name": "Có"}, {"key": "no", "name": "Không"}]},
         ]),
        ("street-light", "Đèn chiếu sáng công cộng", "Street lighting", "Giao thông",
         "SXD", 3, "đèn đường, chiếu sáng", []),
        ("waste", "Rác thải, vệ sinh môi trường", "Waste and sanitation", "Môi trường",
         "SNNMT", 5, "rác, ô nhiễm, nước thải", []),
        ("flooding", "Ngập úng, thoát nước", "Flooding and drainage", "Môi trường",
         "SNNMT", 3, "ngập, cống", [
             {"code": "depth_cm", "description": "Độ sâu ngập (cm)", "datatype": "number",
              "order": 1}]),
        ("public-service", "Thái độ phục vụ, thủ tục hành chính", "Public service conduct",
         "Hành chính", "VP UBND", 10, "thủ tục, cán bộ, một cửa", []),
    ]  # fmt: skip
    for order, (code, name, name_en, group, short, days, keywords, attrs) in enumerate(
        categories, start=1
    ):
        fb.category_save(
            actor=admin, service_code=code, name=name, name_en=name_en, group=group,
            agency_id=agency(short).pk, response_days=days, keywords=keywords, order=order,
            attributes=attrs,
        )  # fmt: skip

    lat0, long0 = (float(x) for x in str(settings.EGOV_MAP_CENTER).split(",")[:2])
    now = timezone.now()
    desk = User.objects.get(email=f"motcua@{DEMO_EMAIL_DOMAIN}")
    citizen = User.objects.get(email=f"congdan@{DEMO_EMAIL_DOMAIN}")
    made = []

    def report(code: str, text: str, dlat: float, dlong: float, days_ago: int, **kw: Any) -> Any:
        created = fb.report_create(
            actor=kw.pop("actor", None), channel=kw.pop("channel", "web"), service_code=code,
            description=text, lat=round(lat0 + dlat, 6), long=round(long0 + dlong, 6),
            now=now - timedelta(days=days_ago), **kw,
        )  # fmt: skip
        made.append(created)
        return created

    pothole = report(
        "road-damage", "Ổ gà lớn giữa làn xe máy, trời mưa đọng nước rất nguy hiểm.",
        0.002, 0.001, 6, address="Trước số 45 đường Lê Lợi", attributes={"size": "large",
        "blocking": "yes"}, contact=fb.Contact(name="Nguyễn Văn Tâm", phone="0905123456"),
    )  # fmt: skip
    report(
        "road-damage", "Lại thấy ổ gà chỗ này, xe máy phải tránh.", 0.0021, 0.0011, 5,
        address="Lê Lợi", attributes={"size": "large"}, channel="app",
    )  # fmt: skip
    light = report(
        "street-light", "Ba bóng đèn đường tắt liên tục một tuần nay.", -0.004, 0.003, 4,
        address="Đường Nguyễn Huệ, đoạn gần cầu", actor=citizen,
    )  # fmt: skip
    waste = report(
        "waste", "Bãi rác tự phát ở góc hẻm, bốc mùi.", 0.006, -0.002, 12,
        address="Hẻm 12 Phan Bội Châu", contact=fb.Contact(email=f"phananh@{DEMO_EMAIL_DOMAIN}"),
    )  # fmt: skip
    report(
        "flooding", "Cống bị tắc, mưa 30 phút đã ngập nửa bánh xe.", -0.001, -0.005, 2,
        address="Ngã tư Hùng Vương – Bà Triệu", attributes={"depth_cm": "25"},
        channel="hotline", actor=desk,
    )  # fmt: skip
    report(
        "public-service", "Cán bộ hướng dẫn nhiệt tình, nhưng phải chờ lâu ở quầy.", 0, 0, 1,
        address="Trung tâm Phục vụ hành chính công",
    )  # fmt: skip

    leader = admin
    fb.report_assign(actor=leader, report_id=pothole.pk, version=pothole.version,
                     assignee_id=None)  # fmt: skip
    pothole.refresh_from_db()
    fb.report_respond(
        actor=leader, report_id=pothole.pk, version=pothole.version,
        text="Đội duy tu đã vá ổ gà ngày hôm qua. Cảm ơn anh đã phản ánh.", status="resolved",
    )  # fmt: skip
    fb.report_rate(actor=None, public_id=pothole.public_id, secret=pothole.reporter_secret,
                   rating=5, comment="Xử lý nhanh.")  # fmt: skip
    duplicate = made[1]
    fb.report_mark_duplicate(actor=leader, report_id=duplicate.pk, version=duplicate.version,
                             original_public_id=pothole.public_id)  # fmt: skip
    fb.report_status_change(actor=leader, report_id=light.pk, version=light.version,
                            status="in_progress", notes="Đã chuyển đơn vị quản lý chiếu sáng.")  # fmt: skip
    fb.report_note_add(actor=leader, report_id=light.pk, text="Liên hệ Công ty Chiếu sáng đô thị.")
    fb.report_status_change(
        actor=leader, report_id=waste.pk, version=waste.version, status="rejected",
        notes="Khu vực thuộc quản lý của UBND phường; đã chuyển phường xử lý theo thẩm quyền.",
    )  # fmt: skip
    return len(made)


def demo_stats_load(count: int = 3000, years: float = 2) -> int:
    """A synthetic history of ``count`` dossiers over ``years`` for the statistics pages (the
    generator of ``egov stats_generate``), then the statistics rebuilt; returns the count."""
    from egov.stats.services import queue_drain, stats_rebuild
    from egov.stats.synthetic import generate

    made = generate(count=count, years=years, seed=766)
    stats_rebuild(fix=True)
    queue_drain()  # the demo dossiers' queued changes: already in the rebuilt figures
    return made.dossiers
