"""Every registry and supervision page renders, in both languages, for each role that may see it."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Filing
from cases.supervision.services import annual_reports as report_services
from cases.supervision.services import campaigns as campaign_services
from cases.supervision.services import cases as supervision
from cases.supervision.services.annual_reports import ReportLine
from tests.factories import UserFactory
from tests.registry.helpers import make_filing
from tests.supervision import steps
from workflow import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(case, filing, supervisor, inspectors, applicant, occupations, organisation):
    """A closed campaign, a rectified case, a sanctioned body, a complaint and an annual report."""
    steps.to_verifying(case, supervisor, inspectors, applicant)
    supervision.rectification_verify(case=case, actor=supervisor, decision="accept", note="ok")
    other = make_filing(occupations=occupations)
    # Two inspectors just visited `case`'s body: rotation keeps them off a draw for it, so the pool has two more.
    pool = [*inspectors, *(UserFactory(username=f"t-sup-pool-{n}", roles=[roles.INSPECTOR]) for n in range(2))]
    campaign = campaign_services.campaign_create(actor=supervisor, name="抽查", inspector_pool=pool, sample_size=1)
    campaign = campaign_services.campaign_draw(campaign=campaign, actor=supervisor)
    drawn = campaign.cases.get()
    steps.to_sanctioning(drawn, supervisor, [drawn.leader, *drawn.inspectors.exclude(pk=drawn.leader_id)])
    supervision.case_sanction(
        case=drawn, actor=supervisor, measure="suspend_scope", reasons="暂停", scopes=[drawn.filing.scope.first()]
    )
    campaign_services.campaign_close(campaign=campaign, actor=supervisor, summary="抽查1家")
    complaint = supervision.complaint_record(
        filing=other, actor=supervisor, source="letter", content="投诉", received_on=timezone.localdate()
    )
    year = timezone.localdate().year - 1
    Filing.objects.filter(pk=filing.pk).update(valid_from=date(year, 1, 1))
    report = report_services.annual_report_submit(
        filing=filing, year=year, actor=applicant, examiners=0, lines=[ReportLine(occupations[0].pk, 5, 1, 40, 40)]
    )
    return {"case": case, "campaign": campaign, "drawn": drawn, "complaint": complaint, "report": report}


def _regulator_urls(world, filing):
    case, drawn, campaign = world["case"], world["drawn"], world["campaign"]
    task = drawn.process.task_set.filter(flow_task_type="HUMAN").first()
    return [
        reverse("tasks:inbox") + "?kind=supervision",
        reverse("tasks:queue") + "?kind=supervision",
        reverse("tasks:archive") + "?kind=supervision",
        reverse("supervision:cases") + "?state=closed&trigger=campaign&district=110101",
        reverse("supervision:case", args=[case.pk]),
        reverse("supervision:case", args=[drawn.pk]),
        reverse("tasks:detail", args=[task.pk]),
        reverse("registry:index") + "?status=active",
        reverse("registry:filing", args=[filing.pk]),
        reverse("registry:filing", args=[drawn.filing_id]),
        reverse("registry:campaigns"),
        reverse("registry:campaign_create"),
        reverse("registry:campaign", args=[campaign.pk]),
        reverse("registry:complaints"),
        reverse("registry:complaint_create") + f"?filing={filing.number}",
        reverse("registry:reports"),
        reverse("registry:reports") + "?anomalies=1",
        reverse("registry:report", args=[world["report"].pk]),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_regulator_pages(client, world, filing, supervisor, auditor, language):
    client.cookies["django_language"] = language
    for user in (supervisor, auditor):
        client.force_login(user)
        for url in _regulator_urls(world, filing):
            creates = "/new/" in url
            response = client.get(url)
            expected = 403 if creates and user == auditor else 200  # the auditor only reads
            assert response.status_code == expected, (user, url, response.status_code)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_body_and_public_pages(client, world, filing, applicant, language):
    client.cookies["django_language"] = language
    client.force_login(applicant)
    for url in (reverse("body:index"), reverse("body:case", args=[world["case"].pk])):
        assert client.get(url).status_code == 200, url
    client.logout()
    campaign = world["campaign"]
    for url in (
        "/directory/",
        f"/directory/{filing.number}/",
        f"/directory/{world['drawn'].filing.number}/",
        "/directory/campaigns/",
        f"/directory/campaigns/{campaign.number}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "抽查1家" in client.get(f"/directory/campaigns/{campaign.number}/").content.decode()
