"""simulate_selection runs a whole call through the services."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audits.models import AuditEvent
from cases.common.demo import seed_demo
from cases.models import Filing, SelectionApplication, SelectionCall
from cases.models import SelectionState as S

pytestmark = pytest.mark.django_db


def test_a_whole_call_runs_and_the_selected_are_registered():
    seed_demo()
    out = io.StringIO()
    call_command(
        "simulate_selection", applicants=5, seed=11, continuation="registration", stdout=out, stderr=io.StringIO()
    )
    call = SelectionCall.objects.get()
    assert call.state == "concluded" and call.panel.experts.count() == 3
    states = list(SelectionApplication.objects.values_list("state", flat=True))
    assert states.count(S.DRAFT) == 1  # the one that tried after the window
    selected = SelectionApplication.objects.filter(state=S.SELECTED)
    assert 1 <= selected.count() <= 4
    assert Filing.objects.filter(application__selection__in=selected).count() == selected.count()
    text = out.getvalue()
    assert "1 refused after the window" in text and "panel replay MATCH" in text


def test_the_same_seed_gives_the_same_ranking():
    seed_demo()
    first, second = io.StringIO(), io.StringIO()
    call_command("simulate_selection", applicants=4, seed=5, stdout=first, stderr=io.StringIO())
    call_command("simulate_selection", applicants=4, seed=5, stdout=second, stderr=io.StringIO())

    def ranks(text):
        return [line.split(". ", 1)[0] + line.rsplit(" ", 1)[-1] for line in text.splitlines() if ". " in line]

    assert ranks(first.getvalue()) == ranks(second.getvalue())


def test_at_least_one_applicant():
    with pytest.raises(CommandError):
        call_command("simulate_selection", applicants=0)


def _state_chain(obj) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("at", "id")
    return [(event.from_state or "", event.to_state) for event in events if event.to_state]


def test_every_transition_of_a_whole_call_is_audited():
    """From its creation to its last state, each call, application and continued filing has an unbroken chain of
    audited state changes (each starts where the one before ended)."""
    seed_demo()
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("simulate_selection", applicants=6, seed=3, continuation="registration", **quiet)
    call = SelectionCall.objects.get()
    subjects = [call, *SelectionApplication.objects.filter(call=call)]
    subjects += [application.filing for application in subjects[1:] if application.state == S.SELECTED]
    assert len(subjects) > 7
    for subject in subjects:
        subject.refresh_from_db()
        chain = _state_chain(subject)
        assert chain and chain[0][0] == "", subject
        for (_before, reached), (left, _after) in zip(chain, chain[1:], strict=False):
            assert left == reached, (subject, chain)
        assert chain[-1][1] == subject.state, (subject, chain)
    assert [to for _from, to in _state_chain(call)] == ["draft", "published", "listed", "concluded"]
