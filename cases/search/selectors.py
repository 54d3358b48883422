"""Reads of the regulators' search: what one text finds among the cases, grouped by kind.

Every read is an index lookup (numbers, credit codes, ID numbers' keyed hashes, the organisations' name index
of migration 0014_search) or a scan of a small table (people), limited to GROUP_LIMIT rows, so one search costs
the same number of queries whatever it finds.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from audits.selectors import people_matching
from cases.common.identity import id_number_hash, normalise_id_number
from cases.models import (
    Certificate,
    Filing,
    FilingApplication,
    Organisation,
    ResultBatch,
    RosterMember,
    SupervisionCase,
)

GROUP_LIMIT = 20
ID_NUMBER = re.compile(r"\d{17}[\dX]")
CREDIT_CODE = re.compile(r"[0-9A-Z]{18}")
_LIKE_WILDCARDS = set("%_\\")


@dataclass
class Person:
    """Someone a case names: an applicant's member of staff, an examiner or supervisor on a roster, a holder."""

    name: str
    role: str  # staff | examiner | supervisor | holder
    detail: str  # the organisation, or the certificate's occupation
    case: str  # the number of the case it leads to
    kind: str  # application | certificate
    pk: int


@dataclass
class SearchResults:
    text: str
    applications: list = field(default_factory=list)
    filings: list = field(default_factory=list)
    supervision_cases: list = field(default_factory=list)
    batches: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    people: list = field(default_factory=list)
    truncated: set = field(default_factory=set)  # the groups that had more than GROUP_LIMIT rows

    def __bool__(self):
        return any(
            (self.applications, self.filings, self.supervision_cases, self.batches, self.certificates, self.people)
        )


def normalised(text: str) -> str:
    """The query as typed, in half-width characters, without surrounding or doubled spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def _limited(results: SearchResults, group: str, rows) -> list:
    rows = list(rows[: GROUP_LIMIT + 1])
    if len(rows) > GROUP_LIMIT:
        results.truncated.add(group)
    return rows[:GROUP_LIMIT]


def organisations_named(text: str) -> QuerySet:
    """The ids of organisations whose name contains `text` or whose credit code is `text`.

    The name is read through the search index of migration 0014_search as the directory reads it: PostgreSQL's
    trigram index answers icontains on UPPER(name); on SQLite the FTS5 trigram table answers three characters
    and more (shorter text, or text with LIKE's wildcards, is compared row by row).
    """
    if connection.vendor == "sqlite" and len(text) >= 3 and not _LIKE_WILDCARDS & set(text):
        name = Q(pk__in=RawSQL("SELECT rowid FROM cases_organisation_fts WHERE name LIKE %s", [f"%{text}%"]))
    else:
        name = Q(name__icontains=text)
    return Organisation.objects.filter(name | Q(credit_code=text.upper())).order_by().values("pk")


def case_search(*, user, text: str) -> SearchResults:
    """Everything `text` names that the user may read: cases by number, the cases of organisations by name or
    credit code, people by name (or a holder or examiner by resident ID number), newest first in each group."""
    text = normalised(text)
    results = SearchResults(text)
    if not text:
        return results
    upper = text.upper()
    organisations = organisations_named(text)
    number = Q(number=text) | Q(number=upper)

    results.applications = _limited(
        results,
        "applications",
        FilingApplication.objects.filter(number | Q(organisation__in=organisations))
        .select_related("organisation__district")
        .order_by("-pk"),
    )
    results.filings = _limited(
        results,
        "filings",
        Filing.objects.filter(number | Q(organisation__in=organisations))
        .select_related("organisation__district")
        .order_by("-pk"),
    )
    if user.has_perm("cases.view_supervisioncase"):
        results.supervision_cases = _limited(
            results,
            "supervision_cases",
            SupervisionCase.objects.filter(number | Q(filing__organisation__in=organisations))
            .select_related("filing__organisation")
            .order_by("-pk"),
        )
    if user.has_perm("cases.view_resultbatch"):
        results.batches = _limited(
            results,
            "batches",
            ResultBatch.objects.filter(number | Q(organisation__in=organisations))
            .select_related("organisation", "plan__occupation")
            .order_by("-pk"),
        )
    id_number = normalise_id_number(text)
    is_id_number = bool(ID_NUMBER.fullmatch(id_number))
    if user.has_perm("cases.view_certificate"):
        # A holder is found by the exact name or by the ID number's keyed hash: the number is never stored.
        holder = Q(holder_name=text) | (Q(id_hash=id_number_hash(id_number)) if is_id_number else Q(pk__in=[]))
        results.certificates = _limited(
            results,
            "certificates",
            Certificate.objects.filter(number | holder).select_related("organisation", "occupation").order_by("-pk"),
        )
    results.people = _people(results, text, id_number if is_id_number else "")
    return results


def _people(results: SearchResults, text: str, id_number: str) -> list[Person]:
    """Applicants' staff by name or login, examiners and supervisors on rosters by name or ID number, and the
    holders of the certificates found."""
    people = []
    roster = Q(name__icontains=text)
    if id_number:
        roster |= Q(id_number=id_number)
    members = _limited(
        results,
        "people",
        RosterMember.objects.filter(roster).select_related("application__organisation").order_by("-pk"),
    )
    for member in members:
        people.append(
            Person(
                member.name,
                member.role,
                member.application.organisation.name,
                member.application.number,
                "application",
                member.application_id,
            )
        )
    staff_of_organisations = get_user_model().objects.filter(organisations__isnull=False).distinct()
    staff = people_matching(text, among=staff_of_organisations, limit=GROUP_LIMIT + 1)
    if len(staff) > GROUP_LIMIT:
        results.truncated.add("people")
        staff = staff[:GROUP_LIMIT]
    # Each member of staff leads to their organisation's newest application (one query for all of them).
    newest = {}
    for application in (
        FilingApplication.objects.filter(organisation__members__in=staff)
        .order_by("pk")
        .values("pk", "number", "organisation__name", "organisation__members")
    ):
        newest[application["organisation__members"]] = application
    for user in staff:
        application = newest.get(user.pk)
        if application is not None:
            name = user.get_full_name() or user.username
            people.append(
                Person(
                    name,
                    "staff",
                    application["organisation__name"],
                    application["number"],
                    "application",
                    application["pk"],
                )
            )
    for certificate in results.certificates:
        if certificate.holder_name == text or id_number:
            people.append(
                Person(
                    certificate.holder_name,
                    "holder",
                    str(certificate.occupation),
                    certificate.number,
                    "certificate",
                    certificate.pk,
                )
            )
    return people
