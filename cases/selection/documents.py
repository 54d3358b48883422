"""The documents of a public selection: the call (and its amendments), the published ranking, the notices.

Issued through the documents API (cases.documents.rendering.document_issue inside the caller's
transaction, rendered after commit), numbered from settings.DOCUMENT_NUMBER_PATTERNS like every other kind.
"""

from cases.documents.rendering import document_issue
from cases.documents.services import document_render_on_commit
from cases.models import SelectionApplication, SelectionCall, SkillLevel
from cases.models.documents import GeneratedDocument
from cases.selection.selectors import window_working_days

CALL, RANKING, NOTICE = "selection_call", "selection_ranking", "selection_notice"
SELECTED, NOT_SELECTED, INELIGIBLE = "selected", "not_selected", "ineligible"
# Titles as printed on the documents and offered as file names (Chinese, whatever the UI language).
TITLES = {
    CALL: "遴选公告",
    RANKING: "遴选结果公示",
    SELECTED: "遴选入选通知书",
    NOT_SELECTED: "遴选未入选通知书",
    INELIGIBLE: "遴选资格审查结果通知书",
}
AMENDMENT_TITLE = "遴选公告更正（第{round}次）"


def _issue(*, kind: str, target, template: str, context: dict, actor, title: str) -> GeneratedDocument:
    document = document_issue(
        kind=kind,
        target=target,
        template_name=f"documents/{template}.html",
        context=context,
        actor=actor,
        title=title,
        public=True,
    )
    document_render_on_commit(document)
    return document


def _lot_rows(call: SelectionCall) -> list[dict]:
    return [
        {
            "occupation": lot.occupation.name,
            "code": lot.occupation.code,
            "trade": lot.occupation.trade,
            "level": SkillLevel(lot.level).label,
            "quota": lot.quota,
        }
        for lot in call.lots.select_related("occupation")
    ]


def call_document(*, call: SelectionCall, actor, amendment=None) -> GeneratedDocument:
    """遴选公告 when the call is published; with `amendment`, the amended call (更正公告) stating what changed."""
    criteria = list(call.rubric.criteria.all())
    return _issue(
        kind=CALL,
        target=call,
        template="selection_call",
        context={
            "call": call,
            "lots": _lot_rows(call),
            "criteria": criteria,
            "tie_criterion": next((c for c in criteria if c.code == call.tie_criterion), None),
            "window_working_days": window_working_days(call),
            "amendment": amendment,
        },
        actor=actor,
        title=AMENDMENT_TITLE.format(round=amendment.round) if amendment else TITLES[CALL],
    )


def ranking_document(*, call: SelectionCall, actor, lots: list) -> GeneratedDocument:
    """遴选结果公示: the ranking of every lot and the proposed list, for the publication period."""
    return _issue(
        kind=RANKING,
        target=call,
        template="selection_ranking",
        context={"call": call, "lots": lots},
        actor=actor,
        title=TITLES[RANKING],
    )


def notice_document(
    *, application: SelectionApplication, actor, outcome: str, reasons: str, entries=()
) -> GeneratedDocument:
    """The notice to one applicant: ineligible (with the reasons), selected (with what), or not selected (why)."""
    return _issue(
        kind=NOTICE,
        target=application,
        template="selection_notice",
        context={
            "application": application,
            "call": application.call,
            "organisation": application.organisation,
            "outcome": outcome,
            "reasons": reasons,
            "entries": list(entries),
        },
        actor=actor,
        title=TITLES[outcome],
    )
