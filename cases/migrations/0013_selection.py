"""Public selection of social training evaluation organisations (遴选): calls, lots, amendments, applications,
entries, the panel, scores, objections; the selection rubric version 1; the roles' new permissions."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from workflow.roles import sync_role_groups

# Selection rubric version 1, frozen here in Chinese (the language of the bureau's documents): what the panel
# compares among social training evaluation organisations.
RUBRIC_V1 = [
    ("S1", "评价能力：考评员、督导员队伍数量充足、资质符合要求，具备与申报职业（工种）和等级相适应的评价能力", 25),
    ("S2", "评价资源：题库或考核任务、考核场地和设施设备满足申报范围和评价规模", 25),
    ("S3", "管理制度：考务管理、质量控制、档案管理、申诉处理等制度健全并有效运行", 20),
    ("S4", "工作业绩：近年来开展职业培训和评价的规模与质量，服务无雇主人员和小微企业的能力", 20),
    ("S5", "社会信誉：诚信记录、社会评价和风险防控", 10),
]


def rubric_v1(apps, schema_editor):
    SelectionRubric = apps.get_model("cases", "SelectionRubric")
    SelectionCriterion = apps.get_model("cases", "SelectionCriterion")
    rubric, created = SelectionRubric.objects.get_or_create(
        version=1,
        defaults={"title": "社会培训评价组织遴选评分标准", "note": "初始版本", "published_at": timezone.now()},
    )
    if created:
        for position, (code, text, weight) in enumerate(RUBRIC_V1, start=1):
            SelectionCriterion.objects.create(rubric=rubric, position=position, code=code, text=text, weight=weight)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_procedure"),
        ("viewflow", "0015_task_scheduled"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SelectionCall",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=40, unique=True, verbose_name="call number")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("summary", models.TextField(blank=True, verbose_name="purpose and scope")),
                (
                    "state",
                    django_fsm.FSMField(
                        choices=[
                            ("draft", "Draft"),
                            ("published", "Published"),
                            ("listed", "List on publication"),
                            ("concluded", "Concluded"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=50,
                        protected=True,
                        verbose_name="state",
                    ),
                ),
                ("window_opens", models.DateField(verbose_name="applications open on")),
                ("window_closes", models.DateField(verbose_name="applications close on")),
                (
                    "publication_days",
                    models.PositiveSmallIntegerField(
                        default=5,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(30),
                        ],
                        verbose_name="publication period (working days)",
                    ),
                ),
                (
                    "min_years_established",
                    models.PositiveSmallIntegerField(default=3, verbose_name="years established, at least"),
                ),
                (
                    "min_capacity",
                    models.PositiveIntegerField(
                        default=0, verbose_name="yearly evaluation capacity per occupation (person-times), at least"
                    ),
                ),
                (
                    "min_examiners",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="qualified examiners per occupation, at least",
                    ),
                ),
                (
                    "min_venues",
                    models.PositiveSmallIntegerField(
                        default=1,
                        validators=[django.core.validators.MinValueValidator(1)],
                        verbose_name="assessment venues, at least",
                    ),
                ),
                (
                    "clean_record_years",
                    models.PositiveSmallIntegerField(
                        default=3, verbose_name="no sanction or revocation in the last (years)"
                    ),
                ),
                ("require_good_credit", models.BooleanField(default=True, verbose_name="good credit required")),
                (
                    "panel_size",
                    models.PositiveSmallIntegerField(
                        default=3,
                        validators=[
                            django.core.validators.MinValueValidator(3),
                            django.core.validators.MaxValueValidator(15),
                        ],
                        verbose_name="experts on the panel",
                    ),
                ),
                (
                    "pass_mark",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("60"),
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="lowest result that can be selected",
                    ),
                ),
                (
                    "tie_rule",
                    models.CharField(
                        choices=[
                            ("criterion", "Higher mean score on the named criterion"),
                            ("capacity", "Larger declared yearly capacity for the occupation"),
                            ("examiners", "More qualified examiners for the occupation"),
                            ("submitted", "Earlier submission"),
                        ],
                        default="criterion",
                        max_length=20,
                        verbose_name="tie rule",
                    ),
                ),
                (
                    "tie_criterion",
                    models.CharField(
                        blank=True,
                        help_text="The rubric criterion code, e.g. S1.",
                        max_length=10,
                        verbose_name="criterion of the tie rule",
                    ),
                ),
                (
                    "continuation",
                    models.CharField(
                        choices=[
                            ("inspection", "At the site inspection"),
                            (
                                "registration",
                                "Straight to registration (the selection review replaces inspection and assessment)",
                            ),
                        ],
                        default="inspection",
                        max_length=20,
                        verbose_name="selected organisations continue",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published at")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="list confirmed at")),
                ("publication_starts", models.DateField(blank=True, null=True, verbose_name="list published on")),
                ("publication_ends", models.DateField(blank=True, null=True, verbose_name="publication ends on")),
                ("concluded_at", models.DateTimeField(blank=True, null=True, verbose_name="concluded at")),
                (
                    "concluded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "confirmed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "selection call",
                "verbose_name_plural": "selection calls",
                "ordering": ["-window_opens", "-id"],
                "permissions": [
                    ("manage_selectioncall", "Can create, amend and publish selection calls"),
                    ("check_selection_eligibility", "Can check the eligibility of selection applications"),
                    ("conduct_selection", "Can draw selection panels, confirm and conclude selections"),
                ],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name="SelectionApplication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=32, unique=True, verbose_name="application number")),
                (
                    "state",
                    django_fsm.FSMField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("eligible", "Eligible"),
                            ("ineligible", "Not eligible"),
                            ("selected", "Selected"),
                            ("not_selected", "Not selected"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        db_index=True,
                        default="draft",
                        max_length=50,
                        protected=True,
                        verbose_name="state",
                    ),
                ),
                ("established_on", models.DateField(blank=True, null=True, verbose_name="established on")),
                (
                    "good_credit",
                    models.BooleanField(default=False, verbose_name="not on any list of seriously dishonest entities"),
                ),
                (
                    "clean_record",
                    models.BooleanField(
                        default=False, verbose_name="no sanction or revocation in the period the call names"
                    ),
                ),
                (
                    "truthful",
                    models.BooleanField(default=False, verbose_name="the declared facts and materials are true"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="submitted at")),
                (
                    "sections_digest",
                    models.CharField(blank=True, max_length=64, verbose_name="SHA-256 of the sections as submitted"),
                ),
                ("checked_at", models.DateTimeField(blank=True, null=True, verbose_name="eligibility checked at")),
                ("eligibility_reasons", models.TextField(blank=True, verbose_name="reasons of the eligibility check")),
                (
                    "result",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="panel result"
                    ),
                ),
                (
                    "spread",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="spread of the totals"
                    ),
                ),
                ("disagreement", models.BooleanField(default=False, verbose_name="panel disagreement")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided at")),
                ("outcome_reasons", models.TextField(blank=True, verbose_name="reasons of the outcome")),
                (
                    "checked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="eligibility checked by",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "filing",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="selection",
                        to="cases.filingapplication",
                        verbose_name="filing draft",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "process",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="selection_application",
                        to="viewflow.process",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="applications",
                        to="cases.selectioncall",
                    ),
                ),
            ],
            options={
                "verbose_name": "selection application",
                "verbose_name_plural": "selection applications",
                "ordering": ["call", "submitted_at", "id"],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name="SelectionAmendment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("round", models.PositiveSmallIntegerField(verbose_name="amendment")),
                ("reason", models.TextField(verbose_name="reason")),
                ("changes", models.JSONField(default=list, verbose_name="changes")),
                ("made_at", models.DateTimeField(auto_now_add=True, verbose_name="made at")),
                (
                    "made_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="amendments", to="cases.selectioncall"
                    ),
                ),
            ],
            options={
                "verbose_name": "call amendment",
                "verbose_name_plural": "call amendments",
                "ordering": ["round"],
            },
        ),
        migrations.CreateModel(
            name="SelectionLot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Level 1 / Senior technician"),
                            (2, "Level 2 / Technician"),
                            (3, "Level 3 / Senior worker"),
                            (4, "Level 4 / Intermediate worker"),
                            (5, "Level 5 / Junior worker"),
                        ],
                        verbose_name="level",
                    ),
                ),
                (
                    "quota",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="organisations wanted",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="lots", to="cases.selectioncall"
                    ),
                ),
                (
                    "occupation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="cases.occupation", verbose_name="occupation"
                    ),
                ),
            ],
            options={
                "verbose_name": "selection lot",
                "verbose_name_plural": "selection lots",
                "ordering": ["occupation__code", "level", "id"],
            },
        ),
        migrations.CreateModel(
            name="SelectionEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rank", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="rank")),
                ("tied", models.BooleanField(default=False, verbose_name="equal result, ordered by the tie rule")),
                ("proposed", models.BooleanField(default=False, verbose_name="proposed for selection")),
                ("selected", models.BooleanField(default=False, verbose_name="selected")),
                ("change_reason", models.TextField(blank=True, verbose_name="reason for the change by the chief")),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="cases.selectionapplication",
                    ),
                ),
                (
                    "lot",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="entries", to="cases.selectionlot"
                    ),
                ),
            ],
            options={
                "verbose_name": "selection entry",
                "verbose_name_plural": "selection entries",
                "ordering": ["lot", "rank", "id"],
            },
        ),
        migrations.CreateModel(
            name="SelectionObjection",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        choices=[("recorded", "Recorded by the bureau"), ("online", "Submitted online")],
                        default="recorded",
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                ("raised_by", models.CharField(max_length=100, verbose_name="raised by")),
                ("contact", models.CharField(blank=True, max_length=100, verbose_name="contact")),
                ("content", models.TextField(verbose_name="content")),
                ("evidence", models.FileField(blank=True, upload_to="objections/%Y/%m/", verbose_name="evidence")),
                ("evidence_name", models.CharField(blank=True, max_length=200, verbose_name="evidence file name")),
                (
                    "evidence_content_type",
                    models.CharField(blank=True, max_length=50, verbose_name="evidence content type"),
                ),
                ("evidence_sha256", models.CharField(blank=True, max_length=64, verbose_name="evidence SHA-256")),
                ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                ("resolution", models.TextField(blank=True, verbose_name="resolution")),
                ("resolved_at", models.DateTimeField(blank=True, null=True, verbose_name="resolved at")),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="objections",
                        to="cases.selectionapplication",
                        verbose_name="concerning",
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="objections", to="cases.selectioncall"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "resolved_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "selection objection",
                "verbose_name_plural": "selection objections",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="SelectionRubric",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(unique=True, verbose_name="version")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("note", models.TextField(blank=True, verbose_name="what changed")),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="published at")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "selection rubric",
                "verbose_name_plural": "selection rubrics",
                "ordering": ["-version"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="SelectionPanel",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("trim_from", models.PositiveSmallIntegerField(default=5, verbose_name="drop highest and lowest from")),
                (
                    "disagreement_margin",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("15"), max_digits=5, verbose_name="disagreement margin"
                    ),
                ),
                ("seed", models.CharField(max_length=64, verbose_name="seed")),
                ("algorithm", models.CharField(max_length=32, verbose_name="algorithm")),
                ("criteria", models.JSONField(default=dict, verbose_name="criteria")),
                ("pool", models.JSONField(default=list, verbose_name="pool")),
                ("eligible", models.JSONField(default=list, verbose_name="eligible")),
                ("excluded", models.JSONField(default=list, verbose_name="exclusions")),
                ("selected", models.JSONField(default=list, verbose_name="selected")),
                ("digest", models.CharField(max_length=64, verbose_name="digest (SHA-256)")),
                ("formed_at", models.DateTimeField(auto_now_add=True, verbose_name="formed at")),
                (
                    "call",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="panel", to="cases.selectioncall"
                    ),
                ),
                (
                    "experts",
                    models.ManyToManyField(related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="experts"),
                ),
                (
                    "formed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "rubric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="cases.selectionrubric",
                        verbose_name="rubric version",
                    ),
                ),
            ],
            options={
                "verbose_name": "selection panel",
                "verbose_name_plural": "selection panels",
            },
        ),
        migrations.CreateModel(
            name="SelectionCriterion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("code", models.CharField(max_length=10, verbose_name="criterion")),
                ("text", models.CharField(max_length=300, verbose_name="description")),
                ("guidance", models.TextField(blank=True, verbose_name="scoring guidance")),
                (
                    "weight",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="weight (%)",
                    ),
                ),
                (
                    "rubric",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="criteria", to="cases.selectionrubric"
                    ),
                ),
            ],
            options={
                "verbose_name": "selection criterion",
                "verbose_name_plural": "selection criteria",
                "ordering": ["position", "code"],
            },
        ),
        migrations.AddField(
            model_name="selectioncall",
            name="rubric",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="calls",
                to="cases.selectionrubric",
                verbose_name="scoring rubric",
            ),
        ),
        migrations.CreateModel(
            name="SelectionScore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "total",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=5,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="total score",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                ("submitted_at", models.DateTimeField(blank=True, null=True, verbose_name="submitted at")),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scores",
                        to="cases.selectionapplication",
                    ),
                ),
                (
                    "expert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name="expert"
                    ),
                ),
            ],
            options={
                "verbose_name": "selection score",
                "verbose_name_plural": "selection scores",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="SelectionCriterionScore",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "points",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=5,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="score (0-100)",
                    ),
                ),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "criterion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cases.selectioncriterion"
                    ),
                ),
                (
                    "score",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="criteria", to="cases.selectionscore"
                    ),
                ),
            ],
            options={
                "verbose_name": "selection criterion score",
                "verbose_name_plural": "selection criterion scores",
                "ordering": ["criterion__position", "criterion__code"],
            },
        ),
        migrations.AddConstraint(
            model_name="selectionapplication",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "withdrawn"), _negated=True),
                fields=("call", "organisation"),
                name="selection_application_once_per_call",
            ),
        ),
        migrations.AddConstraint(
            model_name="selectionamendment",
            constraint=models.UniqueConstraint(fields=("call", "round"), name="selection_amendment_round_once"),
        ),
        migrations.AddConstraint(
            model_name="selectionlot",
            constraint=models.UniqueConstraint(fields=("call", "occupation", "level"), name="selection_lot_once"),
        ),
        migrations.AddConstraint(
            model_name="selectionlot",
            constraint=models.CheckConstraint(condition=models.Q(("quota__gte", 1)), name="selection_lot_quota"),
        ),
        migrations.AddConstraint(
            model_name="selectionentry",
            constraint=models.UniqueConstraint(fields=("application", "lot"), name="selection_entry_once"),
        ),
        migrations.AddConstraint(
            model_name="selectioncriterion",
            constraint=models.UniqueConstraint(fields=("rubric", "code"), name="selection_criterion_code_once"),
        ),
        migrations.AddConstraint(
            model_name="selectioncall",
            constraint=models.CheckConstraint(
                condition=models.Q(("window_closes__gte", models.F("window_opens"))), name="selectioncall_window_order"
            ),
        ),
        migrations.AddConstraint(
            model_name="selectioncall",
            constraint=models.CheckConstraint(
                condition=models.Q(("panel_size__gte", 3)), name="selectioncall_panel_size"
            ),
        ),
        migrations.AddConstraint(
            model_name="selectionscore",
            constraint=models.UniqueConstraint(fields=("application", "expert"), name="selection_score_once"),
        ),
        migrations.AddConstraint(
            model_name="selectioncriterionscore",
            constraint=models.UniqueConstraint(fields=("score", "criterion"), name="selection_criterion_score_once"),
        ),
        migrations.RunPython(rubric_v1, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
