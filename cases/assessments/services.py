"""Expert assessment: the chief draws the panel, each expert scores blind, in parallel."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.documents import services as documents
from cases.draws import services as draws
from cases.models import (
    CriterionScore,
    Draw,
    DrawSeat,
    ExpertPanel,
    ExpertScore,
    FilingApplication,
    Rubric,
)
from cases.models.assessments import weighted_total
from workflow.flows.filing import FilingFlow

# Expert assessment (the chief draws the panel; each expert scores in parallel, blind)


def expert_panel_draw(
    *, application, actor, panel_size: int | None = None, seed: str | None = None
) -> FilingApplication:
    """Draw the expert panel at random; the rubric version and the result rule in force now apply to it."""
    panel_size = panel_size or settings.EXPERT_PANEL_SIZE
    if panel_size < 3:
        raise ValidationError(_("An expert panel needs at least three experts."))
    rubric = Rubric.objects.current()
    if rubric is None:
        raise ValidationError(_("No assessment rubric has been published yet."))

    def work(app):
        panel = ExpertPanel.objects.create(
            application=app,
            rubric=rubric,
            pass_mark=settings.ASSESSMENT_PASS_MARK,
            trim_from=settings.ASSESSMENT_TRIM_FROM,
            disagreement_margin=settings.ASSESSMENT_DISAGREEMENT_MARGIN,
            formed_by=actor,
        )
        draws.draw_make(
            kind=Draw.Kind.PANEL,
            application=app,
            target=panel,
            seat_roles=[DrawSeat.Role.EXPERT] * panel_size,
            actor=actor,
            seed=seed,
        )
        draws.panel_sync(panel)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.draw_panel, work=work)


def expert_score_submit(
    *, application, actor, points: dict, comments: dict | None = None, comment: str = ""
) -> FilingApplication:
    """An expert scores every rubric criterion (0-100); after the last expert the panel result is known."""
    comments = comments or {}

    def work(app):
        panel = app.panels.select_related("rubric").first()
        score = ExpertScore.objects.select_for_update().filter(panel=panel, expert=actor).first()
        if score is None:
            raise PermissionDenied(_("You are not on this expert panel."))
        if score.submitted_at:
            raise ValidationError(_("You have already submitted your scores."))
        if draws.has_draws(panel):
            seat = draws.active_seat(target=panel, user=actor)
            if seat is None or seat.status != DrawSeat.Status.CONFIRMED:
                raise ValidationError(_("Confirm your seat on the panel (no conflict of interest) before scoring."))
        criteria = list(panel.rubric.criteria.all())
        missing = [c.code for c in criteria if points.get(c.code) in (None, "")]
        if missing:
            raise ValidationError(_("Score every criterion (missing: %(items)s).") % {"items": ", ".join(missing)})
        rows = [
            CriterionScore(score=score, criterion=c, points=Decimal(points[c.code]), comment=comments.get(c.code, ""))
            for c in criteria
        ]
        for row in rows:
            row.full_clean(exclude=["score"])
        CriterionScore.objects.bulk_create(rows)
        score.total = weighted_total((row.points, row.criterion.weight) for row in rows)
        score.comment, score.submitted_at = comment.strip(), timezone.now()
        score.save(update_fields=["total", "comment", "submitted_at"])
        audit_record(actor=actor, action="assessment.scored", obj=app, data={"panel": panel.pk})
        result = panel.aggregate()
        if result is not None:
            transition(
                app,
                actor,
                "finish_assessment",
                public=True,
                data={
                    "result": result.mean,
                    "spread": result.spread,
                    "trimmed": result.trimmed,
                    "disagreement": result.disagreement,
                },
            )
            draws.seats_close_unanswered(panel)
            documents.assessment_report(application=app, panel=panel, actor=actor, defer=True)

    return run_task_step(subject=application, actor=actor, step=FilingFlow.score, work=work)
