"""The trail after a run of the whole flow: one event per fsm transition, and a valid chain."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation
from django_fsm.signals import post_transition

from audits.models import AuditEvent
from cases.common.demo import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_fsm_transition_is_recorded_once_and_the_chain_verifies(_media):
    seed_demo()
    performed = []

    def count(sender, instance, name, source, target, **kwargs):
        performed.append((instance._meta.label_lower, str(instance.pk), source, target))

    post_transition.connect(count)
    try:
        call_command("simulate_filings", count=3, seed=7, outcomes="mixed", stdout=StringIO(), stderr=StringIO())
    finally:
        post_transition.disconnect(count)
    recorded = list(
        AuditEvent.objects.exclude(to_state="")
        .exclude(from_state="")
        .values_list("object_type", "object_id", "from_state", "to_state")
        .order_by("id")
    )
    assert sorted(recorded) == sorted(performed)
    out = StringIO()
    with translation.override("en"):
        call_command("verify_audit_chain", stdout=out, stderr=StringIO())  # raises on a broken chain
    assert out.getvalue().startswith("OK:")
