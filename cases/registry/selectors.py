"""Reads on the registry and supervision: each owns its joins and prefetches so that a page costs a
constant number of queries whatever the size of the registry."""

from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from cases.models import (
    District,
    Filing,
    FilingScope,
    FilingStatusChange,
    Occupation,
    Organisation,
)

S = Filing.Status
_MAX_ID = 2**63 - 1  # the largest primary key the databases store; larger numbers overflow the query


def id_or_none(value) -> int | None:
    """A primary key given as text ("17"), or None for anything a database could not look up."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= _MAX_ID else None


def _scope_prefetch() -> Prefetch:
    return Prefetch("scope", queryset=FilingScope.objects.select_related("occupation").order_by("id"))


def _status_filter(status: str, today: date) -> Q:
    """The status as the public reads it: a body past its validity is expired even before the sweep."""
    current = Q(valid_until__gte=today)
    if status == S.EXPIRED:
        return Q(status=S.EXPIRED) | Q(status__in=Filing.OPEN_STATUSES, valid_until__lt=today)
    if status in (S.ACTIVE, S.SUSPENDED):
        return Q(status=status) & current
    return Q(status=status)


def _bodies_named(q: str) -> QuerySet:
    """The filings whose organisation's name contains q or whose credit code or number is q, as one index read each.

    The name goes through the search index (migration 0014_search): PostgreSQL answers icontains from the
    trigram index on UPPER(name), SQLite from the FTS5 trigram table (three characters and more; shorter
    text, or text with LIKE's own wildcards, is compared row by row). A UNION of the three reads, rather
    than one OR across the join, lets each use its index.
    """
    if connection.vendor == "sqlite" and len(q) >= 3 and not any(char in q for char in "%_\\"):
        name = Q(pk__in=RawSQL("SELECT rowid FROM cases_organisation_fts WHERE name LIKE %s", [f"%{q}%"]))
    else:
        name = Q(name__icontains=q)
    organisations = Organisation.objects.filter(name | Q(credit_code=q.upper())).order_by().values("pk")
    by_body = Filing.objects.filter(organisation_id__in=organisations).order_by().values("pk")
    return by_body.union(Filing.objects.filter(number=q).order_by().values("pk"))


def directory_search(
    *,
    today: date,
    q: str = "",
    district: str = "",
    category: str = "",
    occupation: str = "",
    status: str = "",
) -> QuerySet[Filing]:
    """Filed bodies for the public directory, newest first, with their scope prefetched.

    q matches the organisation's name (part of it), its credit code or the filing number (exactly).
    Unknown filter values match nothing rather than everything.
    """
    qs = Filing.objects.select_related("organisation__district")
    q = (q or "").strip()
    if q:
        qs = qs.filter(pk__in=_bodies_named(q))
    if district:
        qs = qs.filter(organisation__district__code=district)
    if category:
        qs = qs.filter(organisation__category=category)
    if occupation:
        occupation_id = id_or_none(occupation)
        # An uncorrelated IN, not EXISTS: without table statistics SQLite runs a correlated EXISTS through
        # the occupation index once per body (16 s on 10,000 bodies); the IN list is built once.
        qs = qs.filter(pk__in=FilingScope.objects.filter(occupation_id=occupation_id).values("filing_id"))
    if status:
        qs = qs.filter(_status_filter(status, today)) if status in S.values else qs.none()
    # Newest registration first. By primary key rather than number: the same order (numbers grow with
    # registration), and SQLite can walk the key backwards and stop at the page instead of sorting.
    return qs.prefetch_related(_scope_prefetch()).order_by("-pk")


def scope_rows(filing_ids) -> list[tuple]:
    """The scope of these filings as (filing id, occupation code, name, trade, levels, methods, suspended), in
    the order each was approved; levels and methods as the JSON text stored.

    Plain SQL rather than the ORM: the query is fixed, and building it through the ORM cost five times its
    execution on the registry API's list page (the busiest public read; bench/api.py).
    """
    ids = [int(pk) for pk in filing_ids]
    if not ids:
        return []
    scope, occupation = FilingScope._meta.db_table, Occupation._meta.db_table
    sql = (
        f'SELECT s.filing_id, o.code, o.name, o.trade, s.levels, s.methods, s.suspended FROM "{scope}" s '
        f'JOIN "{occupation}" o ON o.id = s.occupation_id WHERE s.filing_id IN ({", ".join(["%s"] * len(ids))}) '
        "ORDER BY s.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


def directory_facets() -> dict:
    """What the directory's filters offer: every district, and the occupations some body is filed for."""
    # One probe of the scope's occupation index per occupation of the catalogue, rather than a read of every
    # scope row of the registry: the same cost however many bodies are filed.
    used = Exists(FilingScope.objects.filter(occupation=OuterRef("pk")))
    return {
        "districts": list(District.objects.order_by("code")),
        "occupations": list(Occupation.objects.filter(used).order_by("code", "trade")),
    }


def status_history() -> QuerySet[FilingStatusChange]:
    """Status changes, newest first, each with the scope row (and its occupation) it concerns."""
    return FilingStatusChange.objects.select_related("scope__occupation").order_by("-effective_on", "-id")


def directory_entry(*, number: str) -> Filing | None:
    """One body for its public page, with scope and status history."""
    return (
        Filing.objects.select_related("organisation__district")
        .prefetch_related(_scope_prefetch(), Prefetch("status_changes", queryset=status_history()))
        .filter(number=number)
        .first()
    )


def refiling_ban_of(*, organisation, today: date) -> Filing | None:
    """The revoked filing that still bars the organisation from filing again, if any."""
    return (
        Filing.objects.filter(organisation=organisation, status=S.REVOKED, banned_until__gt=today)
        .order_by("-banned_until")
        .first()
    )
