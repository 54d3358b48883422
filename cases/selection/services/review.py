"""The comparative review after the window closes: the clerk's eligibility check, the call's panel drawn with
the draw engine, each expert's blind score, and the chief's confirmation of the proposed list."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.services import audit_record
from cases.common.services import transition
from cases.common.steps import run_task_step
from cases.models import (
    SelectionApplication,
    SelectionCall,
    SelectionCriterionScore,
    SelectionPanel,
    SelectionScore,
)
from cases.models import SelectionState as S
from cases.models.assessments import aggregate_totals, weighted_total
from cases.selection import documents, notices, selectors
from cases.selection import panel as panels
from cases.selection.eligibility import conditions
from cases.selection.services.flows import run_call_step
from workflow.calendar import add_working_days
from workflow.flows.selection import SelectionFlow

# Eligibility (the clerk, one application at a time)


def eligibility_decide(*, application, actor, eligible: bool, reasons: str = "", today=None) -> SelectionApplication:
    """Record the clerk's check: eligible (it goes to the panel) or not, with the reasons the applicant is told."""
    today = today or timezone.localdate()
    reasons = reasons.strip()
    if not eligible and not reasons:
        raise ValidationError(_("Give the reasons why the application is not eligible."))

    def work(app):
        if eligible:
            unmet = [condition.detail for condition in conditions(app, today) if not condition.met]
            if unmet:
                raise ValidationError([_("A condition of the call is not met:"), *unmet])
        app.checked_by, app.checked_at, app.eligibility_reasons = actor, timezone.now(), reasons
        fields = ["checked_by", "checked_at", "eligibility_reasons"]
        if eligible:
            transition(app, actor, "find_eligible", fields=fields, public=True)
            return
        app.decided_at, app.outcome_reasons = timezone.now(), reasons
        transition(
            app,
            actor,
            "find_ineligible",
            fields=[*fields, "decided_at", "outcome_reasons"],
            public=True,
            data={"reasons": reasons},
        )
        documents.notice_document(application=app, actor=actor, outcome=documents.INELIGIBLE, reasons=reasons)
        notices.notify_decided(application=app, outcome=documents.INELIGIBLE)

    return run_task_step(subject=application, actor=actor, step=SelectionFlow.eligibility, work=work)


# The panel (the chief, once for the call)


def panel_draw(*, call, actor, panel_size: int | None = None, seed: str | None = None) -> SelectionCall:
    """Draw the call's panel once every application has been checked; each expert gets a scoring task for every
    eligible application."""
    panel_size = panel_size or call.panel_size
    if panel_size < 3:
        raise ValidationError(_("An expert panel needs at least three experts."))

    def work(locked_call):
        if SelectionPanel.objects.filter(call=locked_call).exists():
            raise ValidationError(_("The panel of this call has already been drawn."))
        pending = locked_call.applications.filter(state=S.SUBMITTED).count()
        if pending:
            raise ValidationError(
                _("The eligibility of %(count)d applications is still to be checked; the panel is drawn after.")
                % {"count": pending}
            )
        eligible = list(locked_call.applications.filter(state=S.ELIGIBLE).select_related("filing__organisation"))
        drawn = panels.panel_select(panels.pool_for_call(locked_call, eligible), seats=panel_size, seed=seed)
        panel = SelectionPanel.objects.create(
            call=locked_call,
            rubric=locked_call.rubric,
            trim_from=settings.ASSESSMENT_TRIM_FROM,
            disagreement_margin=settings.ASSESSMENT_DISAGREEMENT_MARGIN,
            seed=drawn.seed,
            algorithm=panels.engine.ALGORITHM,
            criteria=drawn.evaluation.criteria,
            pool=drawn.evaluation.pool,
            eligible=drawn.evaluation.eligible,
            excluded=drawn.evaluation.excluded_rows(),
            selected=drawn.selected,
            digest=drawn.digest,
            formed_by=actor,
        )
        panel.experts.set(drawn.selected)
        SelectionScore.objects.bulk_create(
            SelectionScore(application=application, expert_id=expert_id)
            for application in eligible
            for expert_id in drawn.selected
        )
        audit_record(
            actor=actor,
            action="selection.panel_drawn",
            obj=locked_call,
            data={
                "seed": drawn.seed,
                "digest": drawn.digest,
                "selected": drawn.selected,
                "eligible": len(drawn.evaluation.eligible),
                "excluded": len(drawn.evaluation.excluded),
                "applications": [application.pk for application in eligible],
            },
        )

    return run_call_step(call=call, actor=actor, node=SelectionFlow.draw_panel, work=work)


# Scoring (each expert, each application, blind)


def score_submit(
    *, application, actor, points: dict, comments: dict | None = None, comment: str = "", declared: bool = False
) -> SelectionApplication:
    """An expert scores every criterion of the call's rubric (0-100); the others' scores stay hidden. With the
    last expert's score the application's panel result is known."""
    comments = comments or {}
    if not declared:
        raise ValidationError(_("Declare that you have no conflict of interest with this applicant before scoring."))

    def work(app):
        score = SelectionScore.objects.select_for_update().filter(application=app, expert=actor).first()
        if score is None:
            raise PermissionDenied(_("You are not on the panel for this application."))
        if score.submitted_at:
            raise ValidationError(_("You have already submitted your scores."))
        criteria = list(app.call.panel.rubric.criteria.all())
        missing = [c.code for c in criteria if points.get(c.code) in (None, "")]
        if missing:
            raise ValidationError(_("Score every criterion (missing: %(items)s).") % {"items": ", ".join(missing)})
        rows = [
            SelectionCriterionScore(
                score=score, criterion=c, points=Decimal(points[c.code]), comment=comments.get(c.code, "")
            )
            for c in criteria
        ]
        for row in rows:
            row.full_clean(exclude=["score"])
        SelectionCriterionScore.objects.bulk_create(rows)
        score.total = weighted_total((row.points, row.criterion.weight) for row in rows)
        score.comment, score.submitted_at = comment.strip(), timezone.now()
        score.save(update_fields=["total", "comment", "submitted_at"])
        audit_record(actor=actor, action="selection.scored", obj=app, data={"call": app.call.number})
        totals = list(app.scores.values_list("total", "submitted_at"))
        if all(submitted for _total, submitted in totals):
            panel = app.call.panel
            result = aggregate_totals(
                [total for total, _submitted in totals],
                trim_from=panel.trim_from,
                margin=panel.disagreement_margin,
                pass_mark=app.call.pass_mark,
            )
            app.result, app.spread, app.disagreement = result.mean, result.spread, result.disagreement
            app.save(update_fields=["result", "spread", "disagreement"])
            audit_record(
                actor=actor,
                action="selection.result",
                obj=app,
                data={"result": result.mean, "spread": result.spread, "trimmed": result.trimmed},
            )

    return run_task_step(subject=application, actor=actor, step=SelectionFlow.score, work=work)


# Confirmation of the list (the chief, once for the call)


def list_confirm(
    *, call, actor, selected: set[int], reasons: dict[int, str] | None = None, today=None
) -> SelectionCall:
    """Confirm the proposed list (a change needs its reason, recorded); its publication period starts today.

    `selected` holds the ids of the entries (an application in a lot) on the list; each lot takes at most its
    quota, and only applications at or above the call's pass mark.
    """
    reasons = {key: value.strip() for key, value in (reasons or {}).items() if value and value.strip()}
    today = today or timezone.localdate()

    def work(locked_call):
        ranking = selectors.call_ranking(locked_call)
        if not ranking.complete:
            raise ValidationError(
                _("The panel results of %(names)s are not in yet.")
                % {"names": "、".join(application.organisation.name for application in ranking.missing)}
            )
        problems, changes = [], []
        for lot in ranking.lots:
            chosen = [row for row in lot.rows if row.entry.pk in selected]
            if len(chosen) > lot.lot.quota:
                problems.append(
                    _("%(lot)s wants %(quota)d organisations; %(count)d are on the list.")
                    % {"lot": lot.lot, "quota": lot.lot.quota, "count": len(chosen)}
                )
            for row in lot.rows:
                on_list = row.entry.pk in selected
                if on_list and row.below_pass:
                    problems.append(
                        _("%(name)s (%(lot)s): its result %(result)s is below the call's lowest selectable result.")
                        % {"name": row.application.organisation.name, "lot": lot.lot, "result": row.result}
                    )
                reason = reasons.get(row.entry.pk, "")
                if on_list != row.proposed and not reason:
                    problems.append(
                        _("%(name)s (%(lot)s): give the reason for changing the proposal.")
                        % {"name": row.application.organisation.name, "lot": lot.lot}
                    )
                entry = row.entry
                entry.rank, entry.tied, entry.proposed, entry.selected = row.rank, row.tied, row.proposed, on_list
                entry.change_reason = reason if on_list != row.proposed else ""
                if on_list != row.proposed:
                    changes.append(
                        {"entry": entry.pk, "application": row.application.pk, "selected": on_list, "reason": reason}
                    )
        if problems:
            raise ValidationError(problems)
        for lot in ranking.lots:
            for row in lot.rows:
                row.entry.save(update_fields=["rank", "tied", "proposed", "selected", "change_reason"])
        locked_call.confirmed_at, locked_call.confirmed_by = timezone.now(), actor
        locked_call.publication_starts = today
        locked_call.publication_ends = add_working_days(today, locked_call.publication_days)
        transition(
            locked_call,
            actor,
            "confirm_list",
            fields=["confirmed_at", "confirmed_by", "publication_starts", "publication_ends"],
            public=True,
            data={"changes": changes, "publication_ends": locked_call.publication_ends.isoformat()},
        )
        documents.ranking_document(
            call=locked_call,
            actor=actor,
            lots=selectors.ranking_rows_for_document(selectors.stored_ranking(locked_call)),
        )
        notices.notify_published(call=locked_call)

    return run_call_step(call=call, actor=actor, node=SelectionFlow.confirm, work=work)
