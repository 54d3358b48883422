"""Two chiefs doing a step of the whole call at once: one wins, the other is told, nothing is done twice
(PostgreSQL, real threads; the step locks every application's process, then the call, then each task)."""

import pytest
from django.db import connection

from cases.models import SelectionPanel, SelectionScore
from cases.selection.services import review
from tests.concurrency import race
from tests.factories import UserFactory
from tests.selection.conftest import applied, close_window, make_call
from workflow import roles

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_chiefs_drawing_the_panel_at_once_draw_it_once(chief, clerk, occupations, experts):
    other_chief = UserFactory(username="t-chief-2", roles=[roles.CHIEF])
    call = make_call(chief, occupations)
    apps = [applied(call, occupations[n % 2])[0] for n in range(3)]
    close_window()
    for application in apps:
        review.eligibility_decide(application=application, actor=clerk, eligible=True)

    def draw(actor):
        return lambda: review.panel_draw(call=call, actor=actor)

    assert race([draw(chief), draw(other_chief)]) == ["refused", "won"]
    assert SelectionPanel.objects.filter(call=call).count() == 1
    assert SelectionScore.objects.filter(application__call=call).count() == 3 * 3
