"""The regulators' search (/app/search/): numbers, organisations and credit codes, people (an ID number matches its
keyed hash), results grouped by kind and linked to the case page, readers of cases only, bad input as a form error."""

import random

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from cases.applications.simulation import Outcome, Staff, complete_draft, new_applicant, panel_experts, run_to_end
from cases.certificates.services import batches
from cases.common.demo import seed_demo
from cases.common.identity import id_number_hash
from cases.models import Certificate, FilingApplication, Occupation, RosterMember
from cases.search.selectors import GROUP_LIMIT, case_search
from cases.supervision.services.cases import case_open
from tests.certificates.conftest import good_rows, id_number, imported_batch, make_filing, make_plan

pytestmark = pytest.mark.django_db

SEARCH = "/app/search/"


def _filed_case(seed: int) -> FilingApplication:
    rng = random.Random(seed)
    applicant, organisation = new_applicant(rng, seed)
    applicant.first_name = f"申报人{seed}号"
    applicant.save(update_fields=["first_name"])
    application = complete_draft(
        applicant=applicant, organisation=organisation, occupation=Occupation.objects.get(code="6-18-02-04"), rng=rng
    )
    run_to_end(
        application=application,
        applicant=applicant,
        staff=Staff.from_groups(),
        experts=panel_experts,
        fate="filed",
        outcome=Outcome(),
    )
    application.refresh_from_db()
    return application


@pytest.fixture
def world(db, settings, tmp_path):
    """Two filed cases (one with a supervision case), a registered result batch of the demo applicant."""
    settings.MEDIA_ROOT, settings.BACKGROUND_JOBS = tmp_path, "inline"
    seed_demo()
    application, other = _filed_case(1), _filed_case(2)
    case = case_open(
        filing=application.filing,
        trigger="complaint",
        summary="投诉：考评不规范",
        actor=User.objects.get(username="demo-supervisor"),
    )
    applicant = User.objects.get(username="demo-applicant")
    filing = make_filing(
        organisation=applicant.organisations.get(),
        applicant=applicant,
        occupation=Occupation.objects.get(code="6-18-02-04"),
    )
    batch = imported_batch(make_plan(filing, applicant, expected=3), applicant, good_rows(3, start=40))
    batches.result_batch_submit(batch=batch, actor=applicant)
    batches.result_batch_approve(batch=batch, actor=User.objects.get(username="demo-supervisor"))
    return {"application": application, "other": other, "case": case, "batch": batch}


def _as(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def _group(response, kind) -> list:
    return getattr(response.context["results"], kind)


def test_numbers_find_their_case_and_link_to_its_page(client, world):
    _as(client, "demo-chief")
    application, case, batch = world["application"], world["case"], world["batch"]
    certificate = batch.certificates.order_by("number").first()
    expectations = [
        (application.number, "applications", application, reverse("applications:detail", args=[application.pk])),
        (
            application.filing.number,
            "filings",
            application.filing,
            reverse("registry:filing", args=[application.filing.pk]),
        ),
        (case.number, "supervision_cases", case, reverse("supervision:case", args=[case.pk])),
        (batch.number, "batches", batch, reverse("certificates:batch_detail", args=[batch.pk])),
        (
            certificate.number.lower(),
            "certificates",
            certificate,
            reverse("certificates:certificate_detail", args=[certificate.pk]),
        ),
    ]
    for text, kind, obj, url in expectations:
        response = client.get(SEARCH, {"q": text})
        assert response.status_code == 200
        assert _group(response, kind) == [obj], text
        html = response.content.decode()
        assert f'data-kind="{kind}"' in html and f'href="{url}"' in html
    assert not client.get(SEARCH, {"q": "京技备申209900001"}).context["results"]


def test_an_organisation_is_found_by_part_of_its_name_or_its_credit_code(client, world):
    _as(client, "demo-clerk")
    application = world["application"]
    organisation = application.organisation
    for text in (organisation.name[2:9], organisation.credit_code, organisation.credit_code.lower()):
        response = client.get(SEARCH, {"q": text})
        assert application in _group(response, "applications"), text
        assert application.filing in _group(response, "filings"), text
        assert world["other"] not in _group(response, "applications") or text == organisation.name[2:9]


def test_people_by_name_examiners_staff_and_holders(client, world):
    _as(client, "demo-approver")
    application = world["application"]
    examiner = application.roster.get(role=RosterMember.Role.EXAMINER)
    RosterMember.objects.filter(pk=examiner.pk).update(name="欧阳考评")
    by_examiner = client.get(SEARCH, {"q": "欧阳考评"})
    assert [(p.role, p.case, p.pk) for p in _group(by_examiner, "people")] == [
        ("examiner", application.number, application.pk)
    ]
    by_staff = client.get(SEARCH, {"q": "申报人1号"})
    assert [(p.role, p.case) for p in _group(by_staff, "people")] == [("staff", application.number)]
    holder = world["batch"].certificates.order_by("number").first()
    by_holder = client.get(SEARCH, {"q": holder.holder_name})
    assert holder in _group(by_holder, "certificates")
    assert ("holder", holder.number) in [(p.role, p.case) for p in _group(by_holder, "people")]
    assert f'href="{reverse("certificates:certificate_detail", args=[holder.pk])}"' in by_holder.content.decode()


def test_an_id_number_matches_its_keyed_hash_never_a_stored_number(client, world):
    _as(client, "demo-auditor")
    holder = world["batch"].certificates.order_by("candidate__line").first()  # the first row of the file
    number = id_number(40)  # the first row of good_rows(3, start=40)
    assert holder.id_hash == id_number_hash(number) and number not in (holder.id_masked, holder.holder_name)
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} ".replace("1", "１")  # full-width, spaced: same person
    response = client.get(SEARCH, {"q": spaced})
    assert _group(response, "certificates") == [holder]
    assert number not in response.content.decode() and holder.id_masked in response.content.decode()
    examiner = world["application"].roster.get(role=RosterMember.Role.EXAMINER)
    assert ("examiner", world["application"].number) in [
        (p.role, p.case) for p in _group(client.get(SEARCH, {"q": examiner.id_number}), "people")
    ]


@pytest.mark.parametrize(
    "username, status",
    [
        ("demo-clerk", 200),
        ("demo-chief", 200),
        ("demo-approver", 200),
        ("demo-supervisor", 200),
        ("demo-auditor", 200),
        ("demo-applicant", 403),
        ("demo-inspector", 403),
        ("demo-expert", 403),
    ],
)
def test_only_the_readers_of_cases_search(client, db, username, status):
    seed_demo()
    _as(client, username)
    assert client.get(SEARCH, {"q": "京技备"}).status_code == status
    menu = client.get("/app/", follow=True).content.decode()
    assert (f'href="{SEARCH}"' in menu) is (status == 200)


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(SEARCH, {"q": "京技备"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_clerk_is_shown_no_supervision_case(client, world):
    case = world["case"]
    clerk = _as(client, "demo-clerk")
    assert _group(client.get(SEARCH, {"q": case.number}), "supervision_cases") == []
    assert case_search(user=User.objects.get(username="demo-supervisor"), text=case.number).supervision_cases == [case]
    assert not clerk.has_perm("cases.view_supervisioncase")


@pytest.mark.parametrize(
    "text, error",
    [("x", True), ("a" * 101, True), ("ab\x00cd", True), ("ab\x07cd", True), ("%_", False), ("'; DROP", False)],
)
def test_bad_input_is_a_form_error_never_a_500(client, db, text, error):
    seed_demo()
    _as(client, "demo-clerk")
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert bool(response.context["form"].errors) is error
    assert (response.context["results"] is None) is error


def test_an_empty_page_shows_the_form_without_errors(client, db):
    seed_demo()
    _as(client, "demo-clerk")
    response = client.get(SEARCH)
    assert response.status_code == 200 and not response.context["form"].errors and response.context["results"] is None


def test_each_group_is_limited_and_says_so(client, world):
    application = world["application"]
    for n in range(GROUP_LIMIT + 2):
        RosterMember.objects.create(
            application=application, role=RosterMember.Role.SUPERVISOR, name=f"督导张{n}", id_number=""
        )
    _as(client, "demo-chief")
    response = client.get(SEARCH, {"q": "督导张"})
    assert len(_group(response, "people")) == GROUP_LIMIT and "people" in response.context["results"].truncated


@pytest.mark.parametrize("extra", [0, 3])
def test_a_search_runs_a_constant_number_of_queries(client, world, django_assert_max_num_queries, extra):
    for seed in range(extra):
        _filed_case(10 + seed)
    _as(client, "demo-supervisor")
    # session, user, roles and permissions; one read per group; staff's applications; the menu
    with django_assert_max_num_queries(14):
        response = client.get(SEARCH, {"q": "模拟"})  # every simulated organisation and its people
    assert len(_group(response, "applications")) == 2 + extra
    assert len(_group(response, "people")) >= 2 * (2 + extra)
    assert Certificate.objects.exists()
