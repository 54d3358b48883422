"""Checklist template version 1 (the checklist of the first filing flow) and assessment rubric version 1.

Existing inspections get checklist version 1 and their findings its weights and veto flags; existing
panels get rubric version 1 (their experts scored a total only, so they have no criterion scores).
Texts are frozen here in Chinese, the language of the bureau's documents.
"""

from django.db import migrations
from django.utils import timezone

from workflow.roles import sync_role_groups

# (code, text, weight, veto) — the items of cases.models.inspections.DEFAULT_CHECKLIST.
CHECKLIST_V1 = [
    ("C01", "考核场地和设施设备与申报的范围和评价能力相符", 25, True),
    ("C02", "考评员和督导员具备相应资质且数量充足", 25, True),
    ("C03", "管理制度涵盖考务安全、档案管理和申诉处理", 20, False),
    ("C04", "申报的每个等级均有题库或考核任务", 15, False),
    ("C05", "保存有以往培训和评价的记录", 15, False),
]
RUBRIC_V1 = [
    ("R1", "评价标准与题库：与申报的职业（工种）和等级相适应，覆盖理论知识和操作技能", 25),
    ("R2", "考评人员：考评员、督导员数量充足，资质符合要求，有培训和管理", 20),
    ("R3", "场地设施：考核场地、设施设备满足申报范围和评价规模", 20),
    ("R4", "管理制度：考务管理、质量控制、档案管理、申诉处理等制度健全", 20),
    ("R5", "工作基础与社会信誉：培训评价经历、社会信誉和风险防控", 15),
]


def forwards(apps, schema_editor):
    ChecklistTemplate = apps.get_model("cases", "ChecklistTemplate")
    ChecklistItem = apps.get_model("cases", "ChecklistItem")
    Rubric = apps.get_model("cases", "Rubric")
    RubricCriterion = apps.get_model("cases", "RubricCriterion")
    SiteInspection = apps.get_model("cases", "SiteInspection")
    InspectionFinding = apps.get_model("cases", "InspectionFinding")
    ExpertPanel = apps.get_model("cases", "ExpertPanel")
    now = timezone.now()

    checklist, created = ChecklistTemplate.objects.get_or_create(
        version=1, defaults={"title": "备案现场考察表", "published_at": now}
    )
    if created:
        ChecklistItem.objects.bulk_create(
            ChecklistItem(template=checklist, position=n, code=code, text=text, weight=weight, veto=veto)
            for n, (code, text, weight, veto) in enumerate(CHECKLIST_V1, start=1)
        )
    items = {item.code: item for item in ChecklistItem.objects.filter(template=checklist)}
    SiteInspection.objects.filter(checklist__isnull=True).update(checklist=checklist)
    for finding in InspectionFinding.objects.filter(item__isnull=True, code__in=list(items)):
        item = items[finding.code]
        finding.item, finding.position, finding.weight, finding.veto = item, item.position, item.weight, item.veto
        finding.save(update_fields=["item", "position", "weight", "veto"])

    rubric, created = Rubric.objects.get_or_create(
        version=1, defaults={"title": "专业评估评分标准", "published_at": now}
    )
    if created:
        RubricCriterion.objects.bulk_create(
            RubricCriterion(rubric=rubric, position=n, code=code, text=text, weight=weight)
            for n, (code, text, weight) in enumerate(RUBRIC_V1, start=1)
        )
    ExpertPanel.objects.filter(rubric__isnull=True).update(rubric=rubric)


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_draws_checklists")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
