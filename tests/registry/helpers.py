"""Filed bodies for registry and supervision tests, made directly (the filing flow has its own tests)."""

from datetime import timedelta

from django.utils import timezone

from cases.models import ApplicationState, Filing, FilingApplication, FilingScope, ScopeItem
from tests.factories import OrganisationFactory, UserFactory

_counter = {"n": 0}


def make_filing(*, organisation=None, occupations=(), levels=(5, 4), valid_from=None, **fields) -> Filing:
    """A filed body with one active scope row per occupation (declared capacity 100 a year)."""
    _counter["n"] += 1
    n = _counter["n"]
    organisation = organisation or OrganisationFactory()
    registrar = UserFactory(username="t-registrar")
    application = FilingApplication.objects.create(
        number=f"T申{n:05d}", organisation=organisation, created_by=registrar, state=ApplicationState.FILED
    )
    valid_from = valid_from or timezone.localdate() - timedelta(days=30)
    filing = Filing.objects.create(
        number=f"京技备T{n:05d}",
        organisation=organisation,
        application=application,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=5 * 365),
        registered_by=registrar,
        **fields,
    )
    for occupation in occupations:
        ScopeItem.objects.create(
            application=application,
            occupation=occupation,
            levels=list(levels),
            methods=["process"],
            standard="national",
            yearly_capacity=100,
        )
        FilingScope.objects.create(filing=filing, occupation=occupation, levels=list(levels), methods=["process"])
    return filing
