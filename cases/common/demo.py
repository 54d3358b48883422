"""Demo data for `make run`: role users, inspector/expert pools, two organisations, occupations."""

from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction
from stdnum.cn import uscc

from cases.common.reference import occupations_import_csv
from cases.models import DeclaredRelation, District, ExpertProfile, InspectorProfile, Organisation
from workflow import roles

DEMO_PASSWORD = "demo12345"
OCCUPATIONS_SAMPLE = Path(__file__).parent / "data" / "occupations_sample.csv"

# username -> (role, surname+given name as shown in the UI)
DEMO_USERS = {
    "demo-applicant": (roles.APPLICANT, "张", "企业"),
    "demo-applicant-social": (roles.APPLICANT, "李", "机构"),
    "demo-clerk": (roles.CLERK, "王", "受理"),
    "demo-chief": (roles.CHIEF, "赵", "科长"),
    "demo-inspector": (roles.INSPECTOR, "陈", "考察"),
    "demo-expert": (roles.EXPERT, "刘", "评估"),
    "demo-approver": (roles.APPROVER, "杨", "审批"),
    "demo-supervisor": (roles.SUPERVISOR, "黄", "监管"),
    "demo-auditor": (roles.AUDITOR, "周", "审计"),
    "demo-admin": (roles.ADMIN, "吴", "管理"),
}
EXTRA_POOL = {roles.INSPECTOR: 5, roles.EXPERT: 7}  # extra people so random draws have a pool


# Pool profiles so that the random draws have fields to match and conflicts to respect (at least four
# experts cover every occupation of the sample catalogue, so a panel of three survives one decline):
# username -> (fields of expertise, employer, relation to a demo organisation given by its member's username).
# An employer written "@<username>" is that user's organisation (its employees are never drawn for it).
DEMO_INSPECTORS = {
    "demo-inspector": (["6"], "北京市职业技能鉴定指导中心", None),
    "demo-inspector-2": (["4"], "北京市海淀区人力资源和社会保障局", None),
    "demo-inspector-3": (["6-18"], "北京市职业技能鉴定指导中心", None),
    "demo-inspector-4": (["4-10"], "北京市朝阳区人力资源和社会保障局", None),
    "demo-inspector-5": (["6-31"], "北京市东城区人力资源和社会保障局", None),
    "demo-inspector-6": (["4-03"], "北京市西城区人力资源和社会保障局", ("demo-applicant", "former_employee")),
}
DEMO_EXPERTS = {
    "demo-expert": (["6", "4-12"], "北京工业技师学院", None),
    "demo-expert-2": (["6"], "北京市机械工业局技术开发研究所", None),
    "demo-expert-3": (["6-18", "4-03"], "北京电子科技职业学院", None),
    "demo-expert-4": (["4"], "北京市商业学校", None),
    "demo-expert-5": (["4", "6-31"], "北京交通运输职业学院", None),
    "demo-expert-6": (["6-18-02"], "@demo-applicant", None),
    "demo-expert-7": (["4", "6-18"], "北京劳动保障职业学院", None),
    "demo-expert-8": (["6", "4"], "北京市工贸技师学院", ("demo-applicant-social", "family")),
}


def _pool_profiles() -> None:
    for model, specs in ((InspectorProfile, DEMO_INSPECTORS), (ExpertProfile, DEMO_EXPERTS)):
        for username, (fields, employer, relation) in specs.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            defaults = {"fields": fields, "employer_name": employer}
            if employer.startswith("@"):
                defaults = {"fields": fields, "employer": Organisation.objects.get(members__username=employer[1:])}
            model.objects.get_or_create(user=user, defaults=defaults)
            if relation:
                organisation = Organisation.objects.get(members__username=relation[0])
                DeclaredRelation.objects.get_or_create(
                    user=user, organisation=organisation, kind=relation[1], defaults={"note": "演示数据"}
                )


def _with_check_digit(base17: str) -> str:
    return base17 + uscc.calc_check_digit(base17)


DEMO_ORGANISATIONS = [
    {
        "username": "demo-applicant",
        "name": "北京精工智造机械有限公司",
        "credit_code": _with_check_digit("91110108MA01A2B3C"),
        "kind": Organisation.Kind.ENTERPRISE,
        "category": Organisation.Category.MUNICIPAL,
        "district": "110108",
        "address": "北京市海淀区上地信息路 18 号",
        "contact_name": "张企业",
        "contact_phone": "010-62981234",
    },
    {
        "username": "demo-applicant-social",
        "name": "北京华技职业技能评价中心",
        "credit_code": _with_check_digit("52110105MJ0123456"),
        "kind": Organisation.Kind.SOCIAL,
        "category": Organisation.Category.OTHER,
        "district": "110105",
        "address": "北京市朝阳区建国路 88 号",
        "contact_name": "李机构",
        "contact_phone": "010-65001234",
    },
]


def _user(username: str, role: str, last: str, first: str) -> User:
    user, created = User.objects.get_or_create(
        # Chinese names are written surname first without a space, so the whole name goes in
        # first_name and get_full_name() reads naturally.
        username=username,
        defaults={"first_name": f"{last}{first}", "email": f"{username}@example.cn"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == roles.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def seed_demo() -> list[str]:
    """Create or complete the demo data; safe to run any number of times."""
    usernames = []
    for username, (role, last, first) in DEMO_USERS.items():
        _user(username, role, last, first)
        usernames.append(username)
    for role, count in EXTRA_POOL.items():
        base = DEMO_USERS[f"demo-{role}"]
        for number in range(2, count + 2):
            _user(f"demo-{role}-{number}", role, base[1], f"{base[2]}{number}")
            usernames.append(f"demo-{role}-{number}")
    for spec in DEMO_ORGANISATIONS:
        spec = dict(spec)
        member = User.objects.get(username=spec.pop("username"))
        spec["district"] = District.objects.get(code=spec["district"])
        organisation, _created = Organisation.objects.get_or_create(credit_code=spec["credit_code"], defaults=spec)
        organisation.members.add(member)
    _pool_profiles()
    result = occupations_import_csv(text=OCCUPATIONS_SAMPLE.read_text(encoding="utf-8"))
    if result.errors:
        raise RuntimeError("; ".join(result.errors))
    return usernames
