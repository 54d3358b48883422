"""The pages: anonymous -> login, wrong role -> 403, another organisation's id -> 404, and each step by POST."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AnnualReport, Complaint, SupervisionCampaign, SupervisionCase
from cases.supervision.services import cases as supervision
from tests.factories import OrganisationFactory, UserFactory
from tests.registry.helpers import make_filing
from tests.supervision import steps
from workflow import roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, args",
    [
        ("supervision:index", []),
        ("supervision:cases", []),
        ("registry:index", []),
        ("registry:campaigns", []),
        ("registry:campaign_create", []),
        ("registry:complaints", []),
        ("registry:complaint_create", []),
        ("registry:reports", []),
        ("body:index", []),
    ],
)
def test_pages_need_a_login_and_the_right_role(client, supervisor, applicant, expert, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302
    client.force_login(expert)
    assert client.get(url).status_code == 403
    client.force_login(applicant if name.startswith("body:") else supervisor)
    assert client.get(url).status_code == 200


def test_the_supervisor_works_a_case_from_the_queue_through_the_pages(client, case, supervisor, inspectors, applicant):
    client.force_login(supervisor)
    queue = client.get(reverse("tasks:queue"), {"kind": "supervision"})
    assert case.number in queue.content.decode()
    task = case.process.task_set.get(status="NEW", flow_task_type="HUMAN")
    assert client.get(reverse("tasks:detail", args=[task.pk])).status_code == 200
    client.post(reverse("tasks:claim", args=[task.pk]))
    response = client.post(
        reverse("tasks:detail", args=[task.pk]),
        {
            "action": "plan",
            "inspection_date": timezone.localdate().isoformat(),
            "leader": inspectors[0].pk,
            "members": [inspectors[1].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.state == "inspecting"

    client.force_login(inspectors[0])
    task = case.process.task_set.get(status="ASSIGNED", flow_task_type="HUMAN")
    response = client.post(
        reverse("tasks:detail", args=[task.pk]), {"conclusion": "problems", "findings": "考评员不足\n档案缺失"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.findings == ["考评员不足", "档案缺失"]

    client.force_login(supervisor)
    task = case.process.task_set.get(status="NEW", flow_task_type="HUMAN")
    client.post(reverse("tasks:claim", args=[task.pk]))
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "考评员不足" in page  # the items are prefilled from the findings
    response = client.post(
        reverse("tasks:detail", args=[task.pk]),
        {"decision": "rectify", "items": "补充考评员\n完善档案", "working_days": "10"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "rectifying"

    client.force_login(applicant)
    overview = client.get(reverse("body:index")).content.decode()
    assert case.number in overview and 'data-testid="pending-orders"' in overview
    page = client.get(reverse("body:case", args=[case.pk]))
    assert page.status_code == 200 and 'data-testid="response-form"' in page.content.decode()
    order = case.orders.get()
    items = list(order.items.all())
    response = client.post(
        reverse("body:respond", args=[case.pk, order.pk]),
        {f"item_{items[0].pk}": "已补充", f"item_{items[1].pk}": "已完善", "evidence": [steps.evidence()]},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "verifying"
    notice = case.orders.get()
    doc = supervision_documents(case).get(kind="rectification_notice")
    download = client.get(reverse("body:document", args=[case.pk, doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:5] == b"%PDF-"
    assert notice.status == "responded"

    client.force_login(supervisor)
    task = case.process.task_set.get(status="NEW", flow_task_type="HUMAN")
    client.post(reverse("tasks:claim", args=[task.pk]))
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "已补充" in page
    response = client.post(reverse("tasks:detail", args=[task.pk]), {"decision": "accept", "note": "核查属实"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.outcome) == ("closed", "rectified")
    assert client.get(reverse("supervision:case", args=[case.pk])).status_code == 200


def supervision_documents(case):
    from cases.supervision.views.cases import case_documents

    return case_documents(case)


def test_a_bad_step_form_keeps_what_was_typed(client, case, supervisor):
    client.force_login(supervisor)
    task = case.process.task_set.get(status="NEW", flow_task_type="HUMAN")
    client.post(reverse("tasks:claim", args=[task.pk]))
    response = client.post(reverse("tasks:detail", args=[task.pk]), {"action": "dismiss", "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        reverse("tasks:detail", args=[task.pk]),
        {"action": "plan", "inspection_date": "2000-01-01", "leader": ""},
    )
    assert "2000-01-01" in response.content.decode()


def test_another_organisation_gets_404(client, case, supervisor, inspectors):
    steps.to_rectifying(case, supervisor, inspectors)
    other = UserFactory(username="t-other-applicant", roles=[roles.APPLICANT])
    OrganisationFactory(members=[other])
    client.force_login(other)
    order = case.orders.get()
    assert client.get(reverse("body:case", args=[case.pk])).status_code == 404
    assert client.post(reverse("body:respond", args=[case.pk, order.pk]), {}).status_code == 404
    doc = supervision_documents(case).first()
    assert client.get(reverse("body:document", args=[case.pk, doc.pk])).status_code == 404


def test_an_inspector_sees_only_their_cases(client, case, supervisor, inspectors, filing, occupations):
    steps.to_inspecting(case, supervisor, inspectors)
    other = supervision.case_open(
        filing=make_filing(occupations=occupations), trigger="other", summary="x", actor=supervisor
    )
    client.force_login(inspectors[1])
    assert client.get(reverse("supervision:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("supervision:case", args=[other.pk])).status_code == 404
    client.force_login(inspectors[2])
    assert client.get(reverse("supervision:case", args=[case.pk])).status_code == 404


def test_the_body_cannot_answer_after_the_deadline(client, case, supervisor, inspectors, applicant):
    steps.to_rectifying(case, supervisor, inspectors)
    order = case.orders.get()
    type(order).objects.filter(pk=order.pk).update(deadline=timezone.localdate() - timezone.timedelta(days=1))
    client.force_login(applicant)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("body:case", args=[case.pk])).content.decode()
    assert 'data-testid="deadline-passed"' in page and 'data-testid="response-form"' not in page
    items = list(order.items.all())
    response = client.post(
        reverse("body:respond", args=[case.pk, order.pk]),
        {f"item_{items[0].pk}": "a", f"item_{items[1].pk}": "b", "evidence": [steps.evidence()]},
    )
    assert response.status_code == 400
    assert "no longer accepted" in response.content.decode()


def test_campaign_pages(client, supervisor, inspectors, occupations):
    for _n in range(3):
        make_filing(occupations=occupations)
    client.force_login(supervisor)
    response = client.post(
        reverse("registry:campaign_create"),
        {
            "name": "双随机抽查",
            "sample_size": "5",
            "inspector_pool": [u.pk for u in inspectors],
            "inspectors_per_case": "2",
        },
    )
    campaign = SupervisionCampaign.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("registry:campaign_draw", args=[campaign.pk]), follow=True)
    assert "5" in response.content.decode() and "3" in response.content.decode()  # larger than the population
    SupervisionCampaign.objects.filter(pk=campaign.pk).update(sample_size=2)
    client.post(reverse("registry:campaign_draw", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.state == "drawn" and campaign.cases.count() == 2
    replay = client.post(reverse("registry:campaign_replay", args=[campaign.pk]))
    assert 'class="replay-ok"' in replay.content.decode()
    response = client.post(reverse("registry:campaign_close", args=[campaign.pk]), {"summary": "x"})
    assert response.status_code == 200 and campaign.cases.first().number in response.content.decode()
    assert client.get(f"/directory/campaigns/{campaign.number}/").status_code == 404  # not published yet


def test_campaign_form_errors(client, supervisor, inspectors):
    client.force_login(supervisor)
    response = client.post(reverse("registry:campaign_create"), {"name": "x", "inspector_pool": [inspectors[0].pk]})
    assert response.status_code == 400
    assert not SupervisionCampaign.objects.exists()


def test_complaint_page_opens_a_case(client, supervisor, filing):
    client.force_login(supervisor)
    response = client.post(
        reverse("registry:complaint_create"),
        {
            "filing_number": filing.number,
            "source": "hotline",
            "received_on": timezone.localdate().isoformat(),
            "content": "考评员未到场",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.case.state == "opened"
    response = client.post(
        reverse("registry:complaint_create"),
        {
            "filing_number": "京技备不存在",
            "source": "hotline",
            "received_on": timezone.localdate().isoformat(),
            "content": "x",
        },
    )
    assert response.status_code == 400 and "京技备不存在" in response.content.decode()


def test_registry_detail_and_changes(client, supervisor, filing, clerk):
    from cases.registry import services as registry

    welder = filing.scope.first()
    registry.filing_scope_suspend(filing=filing, scopes=[welder], actor=supervisor, reason="暂停焊工")
    client.force_login(clerk)
    assert client.get(reverse("registry:filing", args=[filing.pk])).status_code == 200
    response = client.post(
        reverse("registry:change", args=[filing.pk, "scope_reinstate"]), {"scope": welder.pk, "reason": "x"}
    )
    assert response.status_code == 403
    client.force_login(supervisor)
    response = client.post(
        reverse("registry:change", args=[filing.pk, "scope_reinstate"]), {"scope": welder.pk, "reason": "整改到位"}
    )
    assert response.status_code == 302
    welder.refresh_from_db()
    assert not welder.suspended
    response = client.post(reverse("registry:change", args=[filing.pk, "reinstate"]), {"reason": "x"})
    assert response.status_code == 400  # not suspended: the message says so
    response = client.post(reverse("registry:open_case", args=[filing.pk]), {"summary": "专项检查"})
    assert response.status_code == 302 and SupervisionCase.objects.filter(filing=filing).exists()


def test_annual_report_page(client, applicant, organisation, occupations, supervisor):
    from datetime import date

    year = timezone.localdate().year - 1
    filing = make_filing(organisation=organisation, occupations=occupations, valid_from=date(year, 1, 5))
    client.force_login(applicant)
    assert f'data-testid="report-{year}"' in client.get(reverse("body:index")).content.decode()
    url = reverse("body:report", args=[filing.pk, year])
    page = client.get(url)
    formset = page.context["lines"]
    data = {"examiners": "4", "internal_supervisors": "1", "problems": ""}
    data.update({f"lines-{key}": value for key, value in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for key, value in form.initial.items():
            data[f"lines-{index}-{key}"] = value
    data["lines-0-assessments"], data["lines-0-candidates"], data["lines-0-certificates"] = "2", "30", "25"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = AnnualReport.objects.get()
    assert report.certificates == 25
    assert client.post(url, data).status_code == 400  # a second report for the year
    client.force_login(supervisor)
    overview = client.get(reverse("registry:reports"), {"year": year}).content.decode()
    assert filing.number in overview
    assert client.get(reverse("registry:report", args=[report.pk])).status_code == 200


def test_the_body_learns_of_a_case_only_after_the_inspection(client, case, supervisor, inspectors, applicant):
    client.force_login(applicant)
    assert case.number not in client.get(reverse("body:index")).content.decode()
    assert client.get(reverse("body:case", args=[case.pk])).status_code == 404
    steps.to_findings(case, supervisor, inspectors)
    assert case.number in client.get(reverse("body:index")).content.decode()
    assert client.get(reverse("body:case", args=[case.pk])).status_code == 200
