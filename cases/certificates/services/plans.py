"""Assessment plans (认定计划): a filed body announces an assessment within its certifiable scope."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.certificates.services.batches import certifiable_scope_row, ensure_body_member
from cases.common.identity import (  # noqa: F401 (re-exported: certificate code refers to them here)
    id_number_hash,
    mask_id_number,
    normalise_id_number,
    resident_id_problem,
)
from cases.common.numbering import next_number
from cases.models import (
    AssessmentPlan,
    Filing,
    FilingScope,
    RosterMember,
    Venue,
)
from workflow.calendar import add_working_days

# Assessment plans


@transaction.atomic
def assessment_plan_create(
    *,
    actor,
    scope: FilingScope,
    level: int,
    assessment_date: date,
    venue: Venue,
    expected_candidates: int,
    examiners: list[RosterMember],
    internal_supervisor: RosterMember,
    today: date | None = None,
) -> AssessmentPlan:
    """Declare an upcoming assessment within the body's active, unsuspended scope."""
    today = today or timezone.localdate()
    # Locking the filing queues this behind a suspension being recorded at the same moment.
    filing = Filing.objects.select_for_update().select_related("organisation").get(pk=scope.filing_id)
    organisation = filing.organisation
    ensure_body_member(actor, organisation)
    row = certifiable_scope_row(filing=filing, occupation=scope.occupation, level=level, today=today)
    if assessment_date < today:
        raise ValidationError(_("The assessment date cannot be in the past."))
    if assessment_date > filing.valid_until:
        raise ValidationError(
            _("The assessment date is after the filing %(number)s expires (%(date)s).")
            % {"number": filing.number, "date": filing.valid_until.isoformat()}
        )
    if venue is None or venue.application_id != filing.application_id:
        raise ValidationError(_("Choose one of the venues filed for %(number)s.") % {"number": filing.number})
    examiners = list(examiners)
    if not examiners:
        raise ValidationError(_("Name at least one examiner."))
    for member in examiners:
        if (
            member.application_id != filing.application_id
            or member.role != RosterMember.Role.EXAMINER
            or member.occupation_id != row.occupation_id
        ):
            raise ValidationError(
                _("%(name)s is not a filed examiner for %(occupation)s.")
                % {"name": member.name, "occupation": row.occupation}
            )
    if (
        internal_supervisor.application_id != filing.application_id
        or internal_supervisor.role != RosterMember.Role.SUPERVISOR
    ):
        raise ValidationError(_("Choose one of the internal supervisors filed for %(number)s.") % {"number": filing})
    results_due = add_working_days(assessment_date, settings.RESULTS_DUE_WORKING_DAYS[organisation.kind])
    plan = AssessmentPlan.objects.create(
        number=next_number(name="assessment_plan", pattern_setting="ASSESSMENT_PLAN_NUMBER_PATTERN"),
        organisation=organisation,
        filing=filing,
        occupation=row.occupation,
        level=level,
        assessment_date=assessment_date,
        venue=venue,
        expected_candidates=expected_candidates,
        internal_supervisor=internal_supervisor,
        results_due=results_due,
        created_by=actor,
    )
    plan.examiners.set(examiners)
    audit_record(
        actor=actor,
        action="assessment_plan.created",
        obj=plan,
        data={
            "filing": filing.number,
            "occupation": str(row.occupation),
            "level": level,
            "date": assessment_date,
            "expected": expected_candidates,
            "results_due": results_due,
        },
    )
    return plan
