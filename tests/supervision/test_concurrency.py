"""Concurrent changes to the same body, case or campaign: exactly one wins (PostgreSQL, real threads)."""

import pytest
from django.db import connection

from cases.models import Filing, FilingStatusChange, RectificationEvidence, SupervisionCampaign, SupervisionCase
from cases.registry import services as registry
from cases.supervision.services import campaigns
from cases.supervision.services import cases as supervision
from tests.concurrency import race
from tests.registry.helpers import make_filing
from tests.supervision import steps
from workflow.selectors import queue_for
from workflow.tasks import task_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are only real on PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_revocations_of_the_same_body(filing, supervisor):
    def revoke(reason):
        return lambda: registry.filing_revoke(filing=filing, actor=supervisor, reason=reason)

    assert race([revoke("一"), revoke("二"), revoke("三")]) == ["refused", "refused", "won"]
    assert Filing.objects.get(pk=filing.pk).status == "revoked"
    assert FilingStatusChange.objects.filter(filing=filing).count() == 1


def test_suspension_racing_revocation_leaves_a_consistent_history(filing, supervisor):
    def suspend():
        registry.filing_suspend(filing=filing, actor=supervisor, reason="暂停")

    def revoke():
        registry.filing_revoke(filing=filing, actor=supervisor, reason="撤销")

    race([suspend, revoke])
    filing = Filing.objects.get(pk=filing.pk)
    history = list(
        FilingStatusChange.objects.filter(filing=filing).order_by("id").values_list("from_status", "to_status")
    )
    # Either suspend then revoke, or revoke alone (the suspension refused): never a lost update.
    assert history in ([("active", "suspended"), ("suspended", "revoked")], [("active", "revoked")])
    assert filing.status == "revoked"


def test_the_same_sanction_task_completed_three_times_at_once(filing, supervisor, inspectors):
    case = supervision.case_open(filing=filing, trigger="other", summary="x", actor=supervisor)
    steps.to_sanctioning(case, supervisor, inspectors)
    task = queue_for(user=supervisor, kind="supervision").get().task
    task_claim(task_id=task.pk, actor=supervisor)

    def sanction():
        supervision.case_sanction(case=case, actor=supervisor, measure="suspend_body", reasons="多项违规")

    assert race([sanction, sanction, sanction]) == ["refused", "refused", "won"]
    assert SupervisionCase.objects.get(pk=case.pk).state == "closed"
    assert FilingStatusChange.objects.filter(filing=filing).count() == 1


def test_two_rectification_reports_sent_at_once(filing, supervisor, inspectors, applicant):
    case = supervision.case_open(filing=filing, trigger="other", summary="x", actor=supervisor)
    steps.to_rectifying(case, supervisor, inspectors)

    def respond():
        steps.respond(case, applicant)

    assert race([respond, respond]) == ["refused", "won"]
    assert SupervisionCase.objects.get(pk=case.pk).state == "verifying"
    assert RectificationEvidence.objects.count() == 1


def test_one_campaign_drawn_twice_at_once(occupations, supervisor, inspectors):
    for _n in range(4):
        make_filing(occupations=occupations)
    campaign = campaigns.campaign_create(actor=supervisor, name="并发抽取", inspector_pool=inspectors, sample_size=2)

    def draw():
        campaigns.campaign_draw(campaign=campaign, actor=supervisor)

    assert race([draw, draw]) == ["refused", "won"]
    assert SupervisionCampaign.objects.get(pk=campaign.pk).state == "drawn"
    assert SupervisionCase.objects.count() == 2
