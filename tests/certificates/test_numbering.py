"""Certificate numbers: 22 characters, Y/S + ministry + province + body sequence + year + level + serial,
without gaps per body, year and level."""

import pytest
from django.utils import timezone

from cases.certificates.services import batches as services
from cases.models import Certificate, CertificateIssuer, Organisation
from tests.certificates.conftest import good_rows, imported_batch, make_filing, make_plan
from tests.factories import OrganisationFactory, UserFactory
from workflow import roles

pytestmark = pytest.mark.django_db


def _register(filing, applicant, reviewer, rows, level=4):
    batch = imported_batch(make_plan(filing, applicant, level=level), applicant, rows)
    services.result_batch_submit(batch=batch, actor=applicant)
    return services.result_batch_approve(batch=batch, actor=reviewer)


def test_the_number_has_its_22_characters_in_order(filing, applicant, reviewer):
    _register(filing, applicant, reviewer, good_rows(2))
    year = timezone.localdate().year % 100
    numbers = list(Certificate.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [f"Y000011000001{year:02d}4000001", f"Y000011000001{year:02d}4000002"]
    assert all(len(number) == 22 for number in numbers)


def test_social_organisations_get_s_and_each_body_its_own_sequence(filing, applicant, reviewer, occupation):
    _register(filing, applicant, reviewer, good_rows(1))
    user = UserFactory(username="t-social", roles=[roles.APPLICANT])
    social = OrganisationFactory(name="社会评价组织", kind=Organisation.Kind.SOCIAL, members=[user])
    other = make_filing(organisation=social, applicant=user, occupation=occupation, seed=2)
    _register(other, user, reviewer, good_rows(1, start=500))
    number = Certificate.objects.get(organisation=social).number
    assert number.startswith("S000011000002")
    assert CertificateIssuer.objects.get(organisation=social).sequence == 2


def test_serials_continue_across_batches_and_restart_per_level(filing, applicant, reviewer):
    _register(filing, applicant, reviewer, good_rows(3))
    _register(filing, applicant, reviewer, good_rows(2, start=100))
    _register(filing, applicant, reviewer, good_rows(2, start=200, level=5), level=5)
    level4 = sorted(int(n[-6:]) for n in Certificate.objects.filter(level=4).values_list("number", flat=True))
    level5 = sorted(int(n[-6:]) for n in Certificate.objects.filter(level=5).values_list("number", flat=True))
    assert level4 == [1, 2, 3, 4, 5]
    assert level5 == [1, 2]
    assert CertificateIssuer.objects.count() == 1


def test_failed_candidates_get_no_certificate_and_numbers_follow_the_file(filing, applicant, reviewer):
    rows = good_rows(1) + good_rows(1, start=1, passed=False) + good_rows(1, start=2)
    rows[1] = (*rows[1][:4], 50, 40, "", "不合格")
    _register(filing, applicant, reviewer, rows)
    held = list(Certificate.objects.order_by("number").values_list("holder_name", flat=True))
    assert held == ["学员0", "学员2"]
