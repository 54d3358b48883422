"""Reads for certificates: the review task lists, certificate search, public verification, statistics.

Every list is one query plus constant extras, whatever the number of rows.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from cases.common.identity import id_number_hash, normalise_id_number, resident_id_problem
from cases.models import (
    Certificate,
    CertificateState,
    District,
    Occupation,
    Organisation,
    ResultImport,
    SkillLevel,
)
from cases.models.certificates import HIGH_SKILLED_LEVELS
from workflow.selectors import Page

# Review tasks


# Background jobs of a batch

# A job that has not reported progress for this long is taken to be dead (worker or server restarted).
STALLED_AFTER = timedelta(minutes=10)
STALLED_MESSAGE = _lazy("The import stopped without finishing (the server was restarted?). Import the file again.")


def job_is_stalled(job, now=None) -> bool:
    """An unfinished import or export that has reported nothing for STALLED_AFTER."""
    last = job.heartbeat_at or getattr(job, "started_at", None) or job.created_at
    return not job.is_finished and (now or timezone.now()) - last > STALLED_AFTER


def running_import(batch) -> ResultImport | None:
    """The batch's import under way, if any (one that stopped reporting progress does not count)."""
    unfinished = batch.imports.filter(status__in=[ResultImport.Status.QUEUED, ResultImport.Status.RUNNING])
    return next((job for job in unfinished if not job_is_stalled(job)), None)


# Search and verification


def certificates_matching(queryset: QuerySet, q: str) -> QuerySet:
    """Certificates whose number, holder's resident ID number (matched by its hash) or name is `q`."""
    q = (q or "").strip()
    if not q:
        return queryset
    number = normalise_id_number(q)
    if resident_id_problem(number) is None:
        return queryset.filter(id_hash=id_number_hash(number))
    if re.fullmatch(r"[YS]\d{21}", number):
        return queryset.filter(number=number)
    return queryset.filter(holder_name=q)


def normalise_name(value: str) -> str:
    """Names compare without spaces or width differences, and with every kind of middle dot alike."""
    text = unicodedata.normalize("NFKC", value or "")
    text = re.sub(r"[\s]+", "", text)
    return re.sub(r"[·•‧∙⋅・．.]", "·", text)


def verify_by_number(*, number: str, name: str) -> str:
    """'valid', 'revoked' or 'not_found' (also when the name does not match): nothing else."""
    number = normalise_id_number(number)
    if not re.fullmatch(r"[YS]\d{21}", number):
        return "not_found"
    found = Certificate.objects.filter(number=number).values_list("holder_name", "status").first()
    if found is None or normalise_name(found[0]) != normalise_name(name):
        return "not_found"
    return "valid" if found[1] == CertificateState.VALID else "revoked"


def verify_by_token(*, token: str) -> tuple[str, str]:
    """(status, certificate number) for a QR link; the number is printed next to the QR code anyway."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{10,32}", token or ""):
        return "not_found", ""
    found = Certificate.objects.filter(verify_token=token).values_list("number", "status").first()
    if found is None:
        return "not_found", ""
    return ("valid" if found[1] == CertificateState.VALID else "revoked"), found[0]


# The certificate list


def certificate_page(queryset: QuerySet, *, after: str = "", size: int = 50) -> Page:
    """The page after the certificate `after` (an id from the previous page's next_cursor), by key: the primary
    key's index is read from the cursor on, with no COUNT(*) and no OFFSET, so the last page of a province's
    certificates costs what the first does. Certificates are numbered at registration, so the newest
    registration first is also the latest date of issue first. A cursor that does not parse starts at the top."""
    after = (after or "").strip()
    cursor = int(after) if after.isascii() and after.isdigit() and len(after) < 19 else None
    if cursor is not None:
        queryset = queryset.filter(pk__lt=cursor)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, str(rows[-1].pk) if more else "", first=cursor is None)


# Statistics


@dataclass
class Bar:
    key: str
    label: str
    total: int
    high: int

    @property
    def share(self) -> float:
        return self.high / self.total if self.total else 0.0


@dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]

    @property
    def maximum(self) -> int:
        return max((bar.total for bar in self.bars), default=0)


_HIGH = Q(level__in=[int(level) for level in HIGH_SKILLED_LEVELS])
TOP_OCCUPATIONS = 15


def _occupation_label(occupation) -> str:
    return f"{occupation.name}（{occupation.trade}）" if occupation.trade else occupation.name


def _grouped(qs: QuerySet, field: str, order: str = "-total") -> list[dict]:
    return list(qs.values(field).annotate(total=Count("pk"), high=Count("pk", filter=_HIGH)).order_by(order, field))


def certificate_statistics(*, year: int | None = None) -> dict:
    """Valid certificates by occupation, level, district, body category and kind, and by year, with the
    high-skilled share (level 3 and above). Revoked certificates do not count. Seven queries."""
    from django.utils.translation import gettext as _

    every_year = Certificate.objects.filter(status=CertificateState.VALID)
    qs = every_year.filter(year=year) if year else every_year
    totals = qs.aggregate(total=Count("pk"), high=Count("pk", filter=_HIGH))

    occupations = _grouped(qs, "occupation")
    names = Occupation.objects.in_bulk([row["occupation"] for row in occupations[:TOP_OCCUPATIONS]])
    occupation_bars = [
        Bar(str(row["occupation"]), _occupation_label(names[row["occupation"]]), row["total"], row["high"])
        for row in occupations[:TOP_OCCUPATIONS]
    ]
    rest = occupations[TOP_OCCUPATIONS:]
    if rest:
        occupation_bars.append(
            Bar("other", _("Other occupations"), sum(r["total"] for r in rest), sum(r["high"] for r in rest))
        )

    levels = {row["level"]: row for row in _grouped(qs, "level")}
    level_bars = [
        Bar(str(level), str(SkillLevel(level).label), levels[level]["total"], levels[level]["high"])
        for level in sorted(levels)
    ]
    districts = District.objects.in_bulk()
    district_bars = [
        Bar(districts[row["district"]].code, districts[row["district"]].name, row["total"], row["high"])
        for row in _grouped(qs, "district")
    ]
    categories = dict(Organisation.Category.choices)
    category_bars = [
        Bar(
            row["body_category"],
            str(categories.get(row["body_category"], row["body_category"])),
            row["total"],
            row["high"],
        )
        for row in _grouped(qs, "body_category")
    ]
    kinds = dict(Organisation.Kind.choices)
    kind_bars = [
        Bar(row["body_kind"], str(kinds.get(row["body_kind"], row["body_kind"])), row["total"], row["high"])
        for row in _grouped(qs, "body_kind")
    ]
    year_bars = [
        Bar(str(row["year"]), str(row["year"]), row["total"], row["high"])
        for row in _grouped(every_year, "year", order="year")
    ]
    return {
        "year": year,
        "total": totals["total"],
        "high": totals["high"],
        "share": totals["high"] / totals["total"] if totals["total"] else 0.0,
        "charts": [
            Chart("occupation", _("By occupation"), occupation_bars),
            Chart("level", _("By level"), level_bars),
            Chart("district", _("By district"), district_bars),
            Chart("category", _("By body category"), category_bars),
            Chart("kind", _("By kind of body"), kind_bars),
            Chart("year", _("By year of issue (all years)"), year_bars),
        ],
        "years": [bar.key for bar in year_bars],
    }
