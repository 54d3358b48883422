"""Two members declining at the same moment get two different replacements (PostgreSQL, real threads)."""

import random
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from cases.applications import services as apply
from cases.applications.simulation import complete_draft
from cases.draws import engine as draws
from cases.draws.services import seat_decline
from cases.inspections import services as inspection_services
from cases.models import DrawSeat
from tests.inspections.fixtures import make_inspectors

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_declines_never_draw_the_same_replacement(
    applicant, organisation, occupation, clerk, chief, monkeypatch
):
    make_inspectors(5)
    draft = complete_draft(applicant=applicant, organisation=organisation, occupation=occupation, rng=random.Random(5))
    apply.application_submit(application=draft, actor=applicant)
    apply.application_accept(application=draft, actor=clerk)
    inspection_services.inspection_plan(
        application=draft, actor=chief, planned_date=timezone.localdate(), team_size=3, seed="t"
    )
    members = list(DrawSeat.objects.filter(role=DrawSeat.Role.MEMBER).select_related("user"))
    # Every redraw uses the same seed: without the team lock both would pick the same first-ranked person.
    monkeypatch.setattr(draws, "new_seed", lambda: "same-seed")
    barrier = threading.Barrier(len(members))
    errors = []

    def decline(seat):
        try:
            barrier.wait()
            seat_decline(seat=seat, actor=seat.user, reason="同时回避")
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decline, args=(seat,)) for seat in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    active = list(
        DrawSeat.objects.filter(draw__application=draft, status__in=DrawSeat.ACTIVE).values_list("user_id", flat=True)
    )
    assert len(active) == 3 and len(set(active)) == 3
    inspection = draft.inspections.get()
    assert sorted(inspection.members.values_list("pk", flat=True)) == sorted(active)
