import pytest
from django.core.exceptions import ValidationError

from cases.common.reference import organisation_create
from cases.models import District, Organisation
from tests.factories import valid_credit_code

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    fields = {
        "name": "北京测试科技有限公司",
        "credit_code": valid_credit_code(7),
        "kind": Organisation.Kind.ENTERPRISE,
        "category": Organisation.Category.DISTRICT,
        "district": District.objects.get(code="110108"),
        "contact_name": "王五",
        "contact_phone": "010-88886666",
    }
    fields.update(overrides)
    return fields


def test_valid_organisation_is_created(applicant):
    organisation = organisation_create(actor=applicant, members=[applicant], **_fields())
    assert organisation.members.filter(pk=applicant.pk).exists()


def test_credit_code_with_wrong_check_digit_is_refused_in_chinese(applicant):
    code = valid_credit_code(7)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        organisation_create(actor=applicant, **_fields(credit_code=wrong))
    assert "统一社会信用代码" in str(error.value.message_dict["credit_code"])
    assert not Organisation.objects.filter(credit_code=wrong).exists()


def test_duplicate_credit_code_is_refused(applicant):
    organisation_create(actor=applicant, **_fields())
    with pytest.raises(ValidationError) as error:
        organisation_create(actor=applicant, **_fields(name="另一家公司"))
    assert "credit_code" in error.value.message_dict
    assert Organisation.objects.filter(credit_code=valid_credit_code(7)).count() == 1


def test_there_are_sixteen_beijing_districts():
    assert District.objects.count() == 16
    assert District.objects.filter(name="海淀区", code="110108").exists()
