"""What the API reads and writes. Output only shows what the same user sees in the UI.

Choice fields list their values only (no labels), so that the schema is the same in every language.
"""

from rest_framework import serializers

from cases.models import (
    ApplicationState,
    BatchState,
    CaseState,
    CertificateState,
    Filing,
    FilingStatusChange,
    Organisation,
    RectificationOrder,
    ResultImport,
    SupervisionCase,
)

LEVELS = [1, 2, 3, 4, 5]
MAX_ID = 2**63 - 1


def id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _values(choices) -> list[str]:
    return list(choices.values)


class OccupationSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="职业编码。 Occupation code (X-XX-XX-XX).")
    name = serializers.CharField()
    trade = serializers.CharField(help_text="工种（可为空）。 Trade, may be empty.")


class DistrictSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField(help_text="统一社会信用代码。 Unified social credit code.")
    kind = serializers.ChoiceField(choices=_values(Organisation.Kind))
    category = serializers.ChoiceField(choices=_values(Organisation.Category))
    district = DistrictSerializer()


class ScopeSerializer(serializers.Serializer):
    occupation = OccupationSerializer()
    levels = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=5))
    methods = serializers.ListField(child=serializers.CharField())


class StatusChangeSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=_values(FilingStatusChange.Event))
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    occupation = OccupationSerializer(
        allow_null=True, help_text="仅限单个职业的变更。 Set when one occupation changed."
    )
    reason = serializers.CharField()
    effective_on = serializers.DateField()


class BodySerializer(serializers.Serializer):
    """A filed body as the public directory shows it (built by api.views.public.body_row)."""

    number = serializers.CharField(help_text="备案编号。 Filing number.")
    organisation = OrganisationSerializer()
    status = serializers.ChoiceField(choices=_values(Filing.Status), help_text="今日状态。 Status today.")
    status_since = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    scope_today = ScopeSerializer(many=True, help_text="今日可认定的职业与等级。 What it may certify today.")
    suspended_scope = ScopeSerializer(many=True, help_text="暂停的职业。 Suspended occupations.")


class BodyDetailSerializer(BodySerializer):
    status_history = StatusChangeSerializer(many=True)


class RegistryEntrySerializer(BodyDetailSerializer):
    """The regulator's registry row: the public data, the stored status and the last assessment."""

    id = serializers.IntegerField()
    stored_status = serializers.ChoiceField(choices=_values(Filing.Status))
    banned_until = serializers.DateField(allow_null=True)
    last_assessment_on = serializers.DateField(allow_null=True)


class BodyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, max_length=100, help_text="名称、信用代码或备案编号。 Name, credit code or filing number."
    )
    district = serializers.CharField(required=False, max_length=20)
    category = serializers.ChoiceField(choices=_values(Organisation.Category), required=False)
    occupation = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=_values(Filing.Status), required=False)


class CampaignCaseSerializer(serializers.Serializer):
    filing_number = serializers.CharField(source="filing.number")
    organisation = serializers.CharField(source="filing.organisation.name")
    district = serializers.CharField(source="filing.organisation.district.name")
    inspection_date = serializers.DateField(allow_null=True)
    conclusion = serializers.CharField()
    outcome = serializers.CharField()
    sanction = serializers.SerializerMethodField()

    def get_sanction(self, case) -> str:
        decision = getattr(case, "sanction_decision", None)
        return decision.measure if decision else ""


class CampaignSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    seed = serializers.CharField(help_text="随机种子，可复核。 The random seed, for replaying the draw.")
    population = serializers.SerializerMethodField()
    sample = serializers.SerializerMethodField()
    drawn_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    results_summary = serializers.CharField()

    def get_population(self, campaign) -> int:
        return len(campaign.population)

    def get_sample(self, campaign) -> int:
        return len(campaign.draw)


class CampaignDetailSerializer(CampaignSerializer):
    cases = CampaignCaseSerializer(many=True, source="result_cases")


class VerifyRequestSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="证书编号。 Certificate number.")
    name = serializers.CharField(max_length=50, help_text="持证人姓名。 Holder's name.")


class VerifyResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["valid", "revoked", "not_found"],
        help_text="有效、已撤销或未找到（姓名不符亦为未找到）。 Valid, revoked or not found (also for a wrong name).",
    )


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.CharField(source="action_label")
    from_state = serializers.CharField()
    to_state = serializers.CharField()


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    state = serializers.ChoiceField(choices=_values(ApplicationState))
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    notice_starts = serializers.DateField(allow_null=True)
    notice_ends = serializers.DateField(allow_null=True)


class ApplicationDetailSerializer(ApplicationSerializer):
    guidance = serializers.CharField(source="applicant_guidance", help_text="当前需要做什么。 What is expected now.")
    timeline = EventSerializer(many=True)


class ScopeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="创建认定计划时使用。 Use it to create an assessment plan.")
    occupation = OccupationSerializer()
    levels = serializers.ListField(child=serializers.IntegerField())
    suspended = serializers.BooleanField()


class VenueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    address = serializers.CharField()
    workstations = serializers.IntegerField()


class RosterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    occupation = serializers.CharField(source="occupation.code", allow_null=True, default=None)


class FilingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    status = serializers.ChoiceField(choices=_values(Filing.Status))
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    scope = ScopeRowSerializer(many=True, source="scope.all")
    venues = VenueSerializer(many=True, source="application.venues.all")
    roster = RosterSerializer(many=True, source="application.roster.all")


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    filing = serializers.CharField(source="filing.number")
    occupation = OccupationSerializer()
    level = serializers.IntegerField()
    assessment_date = serializers.DateField()
    expected_candidates = serializers.IntegerField()
    results_due = serializers.DateField()
    batch = serializers.SerializerMethodField(help_text="结果报送批次 id。 The result batch's id, once opened.")

    def get_batch(self, plan) -> int | None:
        batch = getattr(plan, "batch", None)
        return batch.pk if batch else None


class PlanCreateSerializer(serializers.Serializer):
    scope = id_field(help_text="备案范围行 id（见 /filings/）。 A scope row id (see /filings/).")
    level = serializers.ChoiceField(choices=LEVELS)
    assessment_date = serializers.DateField()
    venue = id_field()
    expected_candidates = serializers.IntegerField(min_value=1, max_value=200_000)
    examiners = serializers.ListField(child=id_field(), min_length=1, max_length=200)
    internal_supervisor = id_field()


class ImportSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=_values(ResultImport.Status))
    source = serializers.CharField(source="original_name")
    total_rows = serializers.IntegerField(allow_null=True)
    processed_rows = serializers.IntegerField()
    imported_rows = serializers.IntegerField()
    problem_count = serializers.IntegerField()
    finished = serializers.BooleanField(source="is_finished")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        source="line",
        help_text="JSON 行的序号（从 1 起）或文件的行号；0 表示整个文件。 "
        "Position of the JSON row (from 1) or the file's line; 0 is the whole upload.",
    )
    column = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField(help_text="该行的姓名。 The name on that row.")
    message = serializers.CharField(help_text="问题说明（按请求语言）。 The problem, in the request's language.")


class ImportReportSerializer(ImportSummarySerializer):
    problems = ProblemSerializer(many=True, help_text="前 1000 个问题。 The first 1,000 problems.")


class BatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    plan = serializers.IntegerField(source="plan_id")
    organisation = serializers.CharField(source="organisation.name")
    state = serializers.ChoiceField(choices=_values(BatchState))
    candidate_count = serializers.IntegerField()
    passed_count = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    fix_due = serializers.DateField(allow_null=True)
    return_reasons = serializers.ListField(child=serializers.CharField())
    rejection_reasons = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class BatchDetailSerializer(BatchSerializer):
    latest_import = ImportSummarySerializer(allow_null=True)


class BatchCreateSerializer(serializers.Serializer):
    plan = id_field(help_text="认定计划 id。 The assessment plan's id.")


class ResultRowSerializer(serializers.Serializer):
    """One candidate, with the template's columns; checked by the same import as the files."""

    name = serializers.CharField(allow_blank=True, max_length=200, help_text="姓名。 Name.")
    id_number = serializers.CharField(allow_blank=True, max_length=40, help_text="身份证号。 Resident ID number.")
    occupation_code = serializers.CharField(allow_blank=True, max_length=40, help_text="职业编码。 Occupation code.")
    level = serializers.CharField(allow_blank=True, max_length=20, help_text="等级 1–5 或 四级/中级工。 Level.")
    theory_score = serializers.CharField(allow_blank=True, required=False, max_length=20)
    practical_score = serializers.CharField(allow_blank=True, required=False, max_length=20)
    review_score = serializers.CharField(allow_blank=True, required=False, max_length=20)
    result = serializers.CharField(allow_blank=True, max_length=20, help_text="合格 / 不合格 (passed / failed).")


class ResultRowsSerializer(serializers.Serializer):
    rows = ResultRowSerializer(many=True, allow_empty=False, max_length=200_000)


class ResultFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="结果文件（.xlsx 或 .csv，模板格式）。 Results file, as the template.")


class CertificateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    holder_name = serializers.CharField()
    id_masked = serializers.CharField(help_text="脱敏身份证号。 Masked resident ID number.")
    occupation = OccupationSerializer()
    level = serializers.IntegerField()
    issued_on = serializers.DateField()
    organisation = serializers.CharField(source="organisation.name")
    batch = serializers.IntegerField(source="batch_id")
    status = serializers.ChoiceField(choices=_values(CertificateState))
    revoked_at = serializers.DateTimeField(allow_null=True)


class CertificateFilterSerializer(serializers.Serializer):
    batch = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=_values(CertificateState), required=False)
    number = serializers.RegexField(r"^[YS]\d{21}$", required=False)


class RectificationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    answer = serializers.CharField()


class RectificationOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.number")
    filing = serializers.CharField(source="case.filing.number")
    round = serializers.IntegerField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=_values(RectificationOrder.Status))
    issued_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    items = RectificationItemSerializer(many=True, source="items.all")


class RectificationAnswerSerializer(serializers.Serializer):
    answers = serializers.JSONField(
        help_text='每项整改的说明：{"<item id>": "…"}。 What was done for each item: {"<item id>": "…"}.'
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    evidence = serializers.ListField(
        child=serializers.FileField(), min_length=1, help_text="证明材料（PDF、PNG、JPEG）。 Evidence files."
    )


class SupervisionCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    filing = serializers.CharField(source="filing.number")
    organisation = serializers.CharField(source="filing.organisation.name")
    trigger = serializers.ChoiceField(choices=_values(SupervisionCase.Trigger))
    state = serializers.ChoiceField(choices=_values(CaseState))
    opened_at = serializers.DateTimeField()
    inspection_date = serializers.DateField(allow_null=True)
    conclusion = serializers.CharField()
    outcome = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


class BarSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    high = serializers.IntegerField(help_text="三级及以上。 Level 3 and above.")


class ChartSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    bars = BarSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    high = serializers.IntegerField()
    share = serializers.FloatField()
    charts = ChartSerializer(many=True)
    years = serializers.ListField(child=serializers.CharField())


class StatisticsFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
