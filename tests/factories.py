import random

import factory
from django.contrib.auth.models import Group, User
from stdnum.cn import uscc

from cases.models import District, Occupation, Organisation

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def valid_credit_code(n: int) -> str:
    """A syntactically valid unified social credit code, distinct for each n."""
    rng = random.Random(n)
    body = "911101" + f"{n:02d}"[-2:] + "".join(rng.choice(_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


def districts() -> list[District]:
    return list(District.objects.order_by("code"))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(valid_credit_code)
    kind = Organisation.Kind.ENTERPRISE
    category = Organisation.Category.OTHER
    district = factory.LazyFunction(lambda: District.objects.order_by("code").first())
    contact_name = "联系人"
    contact_phone = "010-12345678"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if extracted:
            self.members.add(*extracted)


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    code = factory.Sequence(lambda n: f"6-{n // 100 % 100:02d}-{n // 10 % 10:02d}-{n % 100:02d}")
    name = factory.Sequence(lambda n: f"工种{n}")
    trade = ""
    levels = [5, 4, 3, 2, 1]
