"""The pages: public /selections/ and /selections/<call>/ (objections online, rate-limited), the bureau's call pages,
the organisation's application page, the task pages of each step; who may open what; query counts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from cases.applications.simulation import TINY_PDF
from cases.models import SelectionObjection
from cases.selection import selectors
from cases.selection.services import review
from tests.selection.conftest import applied, close_window, make_call, social_applicant
from workflow.flows.selection import SelectionFlow

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(chief, occupations, experts):
    return make_call(chief, occupations)


def _listed(call, chief, clerk, occupations, more=0):
    a, _ = applied(call, occupations[0], name="甲评价中心")
    b, _ = applied(call, occupations[0], name="乙评价中心")
    others = [applied(call, occupations[1])[0] for _n in range(more)]
    close_window()
    for application in (a, b, *others):
        review.eligibility_decide(application=application, actor=clerk, eligible=True)
    review.panel_draw(call=call, actor=chief, seed="s")
    for application, value in ((a, 80), (b, 70), *((other, 75) for other in others)):
        for expert in call.panel.experts.all():
            points = dict.fromkeys((c.code for c in call.rubric.criteria.all()), value)
            review.score_submit(application=application, actor=expert, points=points, declared=True)
    proposed = {row.entry.pk for lot in selectors.call_ranking(call).lots for row in lot.rows if row.proposed}
    review.list_confirm(call=call, actor=chief, selected=proposed)
    call.refresh_from_db()
    return a, b


def test_the_public_list_shows_published_calls_only(client, chief, occupations, call):
    draft = make_call(chief, occupations, opens=timezone.localdate() + timedelta(days=9), publish=False)
    response = client.get(reverse("selections:index"))
    assert response.status_code == 200
    assert call.number in response.content.decode() and draft.number not in response.content.decode()
    assert client.get(reverse("selections:detail", args=[draft.number])).status_code == 404


def test_the_public_call_page_shows_conditions_window_and_documents(client, call, django_capture_on_commit_callbacks):
    response = client.get(reverse("selections:detail", args=[call.number]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "养老护理员" in page and "S1" in page and call.window_closes.isoformat() in page


def test_the_published_list_takes_objections_online(client, call, chief, clerk, occupations, settings):
    settings.OBJECTION_RATE_LIMIT = 2
    a, b = _listed(call, chief, clerk, occupations)
    url = reverse("selections:detail", args=[call.number])
    page = client.get(url).content.decode()
    assert "甲评价中心" in page and "objection-form" in page
    evidence = SimpleUploadedFile("evidence.pdf", TINY_PDF, content_type="application/pdf")
    response = client.post(
        url,
        {
            "raised_by": "李四",
            "contact": "13900000000",
            "content": "甲中心场地不符",
            "concerning": str(a.pk),
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    objection = SelectionObjection.objects.get()
    assert objection.application == a and objection.evidence_sha256 and objection.source == "online"
    assert client.post(url, {"raised_by": "", "contact": "", "content": ""}).status_code == 400
    response = client.post(url, {"raised_by": "王五", "contact": "x", "content": "再提"})
    assert response.status_code == 429


def test_an_upload_that_is_not_a_document_is_refused(client, call, chief, clerk, occupations):
    _listed(call, chief, clerk, occupations)
    url = reverse("selections:detail", args=[call.number])
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(url, {"raised_by": "李四", "contact": "1", "content": "x", "evidence": bad})
    assert response.status_code == 400 and not SelectionObjection.objects.exists()


def test_public_documents_download_once_rendered(client, chief, occupations, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call = make_call(chief, occupations)
    document = selectors.documents_of(call).get()
    response = client.get(reverse("selections:document", args=[call.number, document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_bureau_pages_need_a_regulator(client, call, applicant, clerk, expert):
    url = reverse("selection:call", args=[call.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    client.force_login(expert)
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    assert client.get(reverse("selection:call_create")).status_code == 404  # the clerk does not manage calls


def test_the_chief_creates_a_call_and_adds_lots_through_the_pages(client, chief, occupations, rubric):
    client.force_login(chief)
    opens = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("selection:call_create"),
        {
            "title": "测试遴选",
            "window_opens": opens.isoformat(),
            "window_closes": (opens + timedelta(days=10)).isoformat(),
            "publication_days": 5,
            "min_years_established": 3,
            "min_capacity": 0,
            "min_examiners": 1,
            "min_venues": 1,
            "clean_record_years": 3,
            "require_good_credit": "on",
            "rubric": rubric.pk,
            "panel_size": 3,
            "pass_mark": "60",
            "tie_rule": "submitted",
            "tie_criterion": "",
            "continuation": "inspection",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = response["Location"]
    call_pk = int(detail.rstrip("/").rsplit("/", 1)[-1])
    response = client.post(
        reverse("selection:lot_add", args=[call_pk]), {"occupation": occupations[0].pk, "level": 4, "quota": 2}
    )
    assert response.status_code == 302
    response = client.post(reverse("selection:call_publish", args=[call_pk]))
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "养老护理员" in page and 'data-testid="amend"' in page


def test_the_applicant_applies_from_the_list_of_open_calls(client, chief, occupations):
    opens = timezone.localdate()
    call = make_call(chief, occupations, opens=opens, closes=opens + timedelta(days=5), publish=False)
    from cases.selection.services import calls

    calls.call_publish(call=call, actor=chief, today=opens)
    user, _organisation = social_applicant()
    client.force_login(user)
    page = client.get(reverse("selection:mine")).content.decode()
    assert call.number in page and 'data-testid="apply"' in page
    response = client.post(reverse("selection:apply", args=[call.pk]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="problems"' in page and 'data-testid="scope-form"' in page


def test_an_application_page_is_its_organisations_and_the_bureaus(client, call, occupations, applicant, clerk):
    application, member = applied(call, occupations[0], submit=False)
    url = reverse("selection:application", args=[application.pk])
    client.force_login(applicant)  # another organisation's applicant
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert "conditions-check" in page
    assert client.post(reverse("selection:submit", args=[application.pk])).status_code == 404


def test_the_applicants_timeline_does_not_name_the_bureaus_staff(client, call, occupations, clerk, chief):
    application, member = applied(call, occupations[0])
    close_window()
    review.eligibility_decide(application=application, actor=clerk, eligible=True)
    review.panel_draw(call=call, actor=chief, seed="s")
    expert = call.panel.experts.first()
    points = dict.fromkeys((c.code for c in call.rubric.criteria.all()), 80)
    review.score_submit(application=application, actor=expert, points=points, declared=True)
    url = reverse("selection:application", args=[application.pk])
    client.force_login(member)
    timeline = client.get(url).content.decode().split('data-testid="timeline"')[1]
    assert clerk.get_full_name() not in timeline and expert.get_full_name() not in timeline
    assert clerk.username not in timeline and expert.username not in timeline
    assert 'data-action="selectionapplication.find_eligible"' in timeline and "人社局" in timeline  # by the bureau
    assert 'data-action="selection.scored"' not in timeline  # the bureau's internal steps are not shown
    client.force_login(clerk)
    timeline = client.get(url).content.decode().split('data-testid="timeline"')[1]
    assert clerk.get_full_name() in timeline


def test_a_late_submission_through_the_page_says_when_the_window_closed(client, call, occupations):
    application, member = applied(call, occupations[0], submit=False)
    client.force_login(member)
    response = client.post(reverse("selection:submit", args=[application.pk]), follow=True)
    with translation.override("zh-hans"):  # the page's language
        expected = _("Applications to %(call)s closed on %(date)s.") % {
            "call": call.number,
            "date": call.window_closes.isoformat(),
        }
    assert expected in response.content.decode() and call.window_closes.isoformat() in expected
    application.refresh_from_db()
    assert application.state == "draft"


def test_every_step_has_its_task_page(client, call, chief, clerk, occupations):
    a, _ = applied(call, occupations[0])
    close_window()
    task = Task.objects.get(flow_task=SelectionFlow.eligibility, process_id=a.process_id)
    client.force_login(clerk)
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "养老护理员" in page
    client.post(reverse("tasks:claim", args=[task.pk]))
    response = client.post(reverse("tasks:detail", args=[task.pk]), {"outcome": "eligible", "reasons": ""})
    assert response.status_code == 302
    task = Task.objects.get(flow_task=SelectionFlow.draw_panel, process_id=a.process_id)
    client.force_login(chief)
    client.post(reverse("tasks:claim", args=[task.pk]))
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'data-testid="pool"' in page


def test_the_publication_tasks_show_the_list_and_objections(client, call, chief, clerk, occupations):
    _listed(call, chief, clerk, occupations)
    from cases.models import SelectionCall

    SelectionCall.objects.filter(pk=call.pk).update(
        publication_starts=timezone.localdate() - timedelta(days=9),
        publication_ends=timezone.localdate() - timedelta(days=1),
    )
    Task.objects.filter(flow_task=SelectionFlow.publication, status=STATUS.SCHEDULED).update(scheduled=timezone.now())
    assert fire_due_timers() == 2
    task = Task.objects.filter(flow_task=SelectionFlow.conclude).first()
    client.force_login(chief)
    client.post(reverse("tasks:claim", args=[task.pk]))
    page = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "final-list" in page and "objection_add" in page


def test_the_bureaus_call_list_keeps_its_query_count(client, chief, occupations, django_assert_max_num_queries):
    client.force_login(chief)
    make_call(chief, occupations)
    with django_assert_max_num_queries(20) as first:
        client.get(reverse("selection:index"))
    for _n in range(5):
        make_call(chief, occupations)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("selection:index")).status_code == 200


def test_the_public_call_page_keeps_its_query_count(
    client, call, chief, clerk, occupations, django_assert_max_num_queries
):
    _listed(call, chief, clerk, occupations)
    with django_assert_max_num_queries(40) as first:
        client.get(reverse("selections:detail", args=[call.number]))
    bigger = make_call(chief, occupations)
    _listed(bigger, chief, clerk, occupations, more=4)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("selections:detail", args=[bigger.number])).status_code == 200
