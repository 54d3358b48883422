"""Reads of the trail: case timelines, the auditors' search and its entries in words."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from audits.actions import DATA_LABELS, NUMBERED, OBJECT_KINDS
from audits.export import start_of
from audits.models import AuditEvent
from audits.templatetags.audit_tags import state_label
from workflow.models import WorkItem
from workflow.steps import work_title


def timeline_for(
    *,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_ids: Iterable | None = None,
    public_only: bool,
    organisation=None,
    shared_actions: Iterable[str] = (),
) -> QuerySet[AuditEvent] | list[AuditEvent]:
    """The events of one object (or several of one type) in time order, in one query.

    public_only keeps the events meant for applicants (recorded with public=True).
    organisation: the reader is a member of this organisation (an applicant or a filed body). It sees
    what is meant for it (public events and the actions in shared_actions, such as a decision on its
    batch) and what its own members did, never the bureau's internal steps (reviews, downloads); the
    bureau's staff appear as "the bureau", not by name. The result is then a list.
    """
    if obj is not None:
        object_type, object_ids = obj._meta.label_lower, [obj.pk]
    if not object_type or object_ids is None:
        raise ValueError("timeline_for() needs obj, or object_type and object_ids")
    events = AuditEvent.objects.filter(object_type=object_type, object_id__in=[str(pk) for pk in object_ids])
    if organisation is not None:
        members = organisation.members.values("pk")
        events = events.filter(Q(public=True) | Q(action__in=list(shared_actions)) | Q(actor__in=members))
        return _without_staff_names(list(events.select_related("actor").order_by("at", "id")), organisation)
    if public_only:
        events = events.filter(public=True)
    return events.select_related("actor").order_by("at", "id")


def _without_staff_names(events: list[AuditEvent], organisation) -> list[AuditEvent]:
    member_ids = set(organisation.members.values_list("pk", flat=True))
    for event in events:
        if event.actor_id is not None and event.actor_id not in member_ids:
            # Only the copy shown is changed; events are append-only and never saved again.
            event.actor, event.actor_label = None, str(_("The bureau"))
    return events


# Paging by key: the next page starts below the last id shown, so a page costs the same however deep it
# is, and nothing counts the whole trail (the page offers "more" instead of a number of pages).

AUDIT_PAGE_SIZE = 50


@dataclass
class EventPage:
    rows: list
    next_cursor: str
    first: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def audit_page(events: QuerySet[AuditEvent], *, after: str = "", size: int = AUDIT_PAGE_SIZE) -> EventPage:
    """One page of a search, newest first, after the event id `after` (a cursor that is no id starts at the top)."""
    cursor = after.strip()
    if cursor.isdigit():
        events = events.filter(id__lt=int(cursor))
    rows = list(events.order_by("-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return EventPage(rows, str(rows[-1].pk) if more else "", first=not cursor.isdigit())


# The auditors' search: by person, by number, by action and by day. People and numbers are looked up first
# (a few small indexed reads), then the trail is read through its indexes on actor and on object.

PEOPLE_LIMIT = 20


@dataclass
class AuditSearch:
    """A search of the trail: the events (newest first, to be paged by audit_page) and what the person and the
    number given were found to be, so the page can say whom and what it searched for."""

    events: QuerySet[AuditEvent]
    people: list = field(default_factory=list)
    subjects: list = field(default_factory=list)  # [(object_type, pk, name)]


def people_matching(text: str, *, among: QuerySet | None = None, limit: int = PEOPLE_LIMIT) -> list:
    """Users (of `among`, else all) whose login is `text` (any case) or whose display name contains it."""
    text = (text or "").strip()
    if not text:
        return []
    users = (among if among is not None else get_user_model().objects.all()).annotate(
        full=Concat("first_name", Value(" "), "last_name", output_field=CharField()),
        joined=Concat("last_name", "first_name", output_field=CharField()),
    )
    named = Q(username__iexact=text) | Q(full__icontains=text) | Q(joined__icontains=text)
    return list(users.filter(named).order_by("username")[:limit])


def objects_numbered(number: str) -> list[tuple[str, int, str]]:
    """The numbered objects (applications, filings, supervision cases, batches, certificates, plans, calls)
    bearing `number`, with the filing of an application and the application of a filing: one case."""
    number = (number or "").strip()
    if not number:
        return []
    # One query: a UNION of the numbered tables, each read through its unique index on the number.
    reads = [
        apps.get_model(object_type)
        .objects.filter(number=number)
        .annotate(kind=Value(object_type, output_field=CharField()))
        .values_list("kind", "pk", "number")
        .order_by()
        for object_type in NUMBERED
    ]
    found: list[tuple[str, int, str]] = list(reads[0].union(*reads[1:], all=True))
    types = {object_type for object_type, _pk, _name in found}
    application_ids = [pk for object_type, pk, _name in found if object_type == "cases.filingapplication"]
    if application_ids and "cases.filing" not in types:
        filings = apps.get_model("cases.filing").objects.filter(application_id__in=application_ids)
        found += [("cases.filing", pk, name) for pk, name in filings.values_list("pk", "number")]
    filing_ids = [pk for object_type, pk, _name in found if object_type == "cases.filing"]
    if filing_ids and "cases.filingapplication" not in types:
        applications = apps.get_model("cases.filingapplication").objects.filter(filing__pk__in=filing_ids)
        found += [("cases.filingapplication", pk, name) for pk, name in applications.values_list("pk", "number")]
    return found


def _tasks_of(subjects: list[tuple[str, int, str]]) -> list[str]:
    """The ids of the tasks of the subjects' processes (a case's steps are recorded on its tasks)."""
    tasks = Q()
    for object_type, pk, _name in subjects:
        app_label, model = object_type.split(".")
        tasks |= Q(
            process__artifact_content_type__app_label=app_label,
            process__artifact_content_type__model=model,
            process__artifact_object_id=pk,
        )
    if not tasks:
        return []
    return [str(pk) for pk in Task.objects.filter(tasks).values_list("pk", flat=True)]


def audit_search(
    *,
    person: str = "",
    number: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> AuditSearch:
    """Events matching every given filter, newest first; dates are local days, both inclusive.

    person: the events a person did or that are about their account, by login or display name; number: the
    events of the case, application, filing, batch or certificate of that number and of its tasks. Either
    matching nothing matches no event.
    """
    events = AuditEvent.objects.select_related("actor").order_by("-id")
    exact = {"actor__username": actor, "object_type": object_type, "object_id": object_id, "action": action}
    events = events.filter(**{name: value for name, value in exact.items() if value})
    search = AuditSearch(events)
    if person.strip():
        search.people = people_matching(person)
        ids = [user.pk for user in search.people]
        about = Q(object_type="auth.user", object_id__in=[str(pk) for pk in ids])
        events = events.filter(Q(actor_id__in=ids) | about) if ids else events.none()
    if number.strip():
        search.subjects = objects_numbered(number)
        about = Q(pk__in=[])
        for object_type, pk, _name in search.subjects:
            about |= Q(object_type=object_type, object_id=str(pk))
        if tasks := _tasks_of(search.subjects):
            about |= Q(object_type="viewflow.task", object_id__in=tasks)
        events = events.filter(about) if search.subjects else events.none()
    if date_from:
        events = events.filter(at__gte=start_of(date_from))
    if date_to:
        events = events.filter(at__lt=start_of(date_to + datetime.timedelta(days=1)))
    search.events = events
    return search


# An event as the search page says it: who did what to which object (named and linked), and its data in words.


@dataclass
class Entry:
    event: AuditEvent
    who: str
    login: str
    what: str
    noun: str = ""
    name: str = ""
    url: str = ""
    from_state: str = ""
    to_state: str = ""
    facts: list = field(default_factory=list)  # [(label, value)]

    @property
    def pk(self):
        return self.event.pk

    @property
    def from_label(self) -> str:
        return state_label(self.event, self.from_state) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return state_label(self.event, self.to_state) if self.to_state else ""


def audit_entries(events: Iterable[AuditEvent]) -> list[Entry]:
    """The events as sentences, their objects named from one read per kind of object on the page."""
    events = list(events)
    names = _object_names(events)
    return [_entry(event, names.get((event.object_type, event.object_id))) for event in events]


EXPORT_CHUNK = 1000


def audit_export_entries(events: QuerySet[AuditEvent], *, chunk: int = EXPORT_CHUNK) -> Iterator[Entry]:
    """Every event of a search as entries, newest first, read `chunk` at a time by key (no OFFSET, no count)."""
    last = None
    while True:
        rows = events.order_by("-id")
        if last is not None:
            rows = rows.filter(id__lt=last)
        rows = list(rows[:chunk])
        if not rows:
            return
        yield from audit_entries(rows)
        last = rows[-1].pk


def _object_names(events: list[AuditEvent]) -> dict:
    """(object_type, object_id) -> (name, url) for the objects of the events, one query per object type."""
    wanted: dict[str, set] = {}
    for event in events:
        if event.object_type in OBJECT_KINDS and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    names: dict = {}
    for object_type, ids in wanted.items():
        kind = OBJECT_KINDS[object_type]
        if object_type == "viewflow.task":
            names.update(_task_names(ids))
            continue
        if object_type == "auth.address":
            names.update({(object_type, ip): (ip, "") for ip in ids})
            continue
        keys = [int(pk) for pk in ids if pk.isdigit()]
        model = apps.get_model(object_type)
        rows = model.objects.filter(pk__in=keys).values_list("pk", kind.name_field or "pk")
        for pk, name in rows:
            names[(object_type, str(pk))] = (str(name), _url(kind.url_name, pk))
    return names


def _task_names(ids: set) -> dict:
    """A task is named by its step and its case, and links to the case page."""
    keys = [int(pk) for pk in ids if pk.isdigit()]
    rows = WorkItem.objects.filter(task_id__in=keys).values_list("task_id", "kind", "step", "subject", "subject_url")
    return {
        ("viewflow.task", str(task_id)): (f"{work_title(kind, step)} · {subject}", subject_url)
        for task_id, kind, step, subject, subject_url in rows
    }


def _url(url_name: str, pk) -> str:
    if not url_name:
        return ""
    try:
        return reverse(url_name, args=[pk])
    except NoReverseMatch:  # an area this installation does not mount
        return ""


def _entry(event: AuditEvent, named) -> Entry:
    kind = OBJECT_KINDS.get(event.object_type)
    name, url = named or ("", "")
    if event.object_type and not name:
        name = f"#{event.object_id}" if event.object_id else ""
    return Entry(
        event=event,
        who=event.actor_display,
        login=event.actor.username if event.actor_id else "",
        what=event.action_label,
        noun=str(kind.noun) if kind else event.object_type,
        name=name,
        url=url,
        from_state=event.from_state,
        to_state=event.to_state,
        facts=data_in_words(event.data),
    )


def data_in_words(data) -> list[tuple[str, str]]:
    """An event's data as (label, value) pairs in words: lists joined, yes/no for flags, nested data flattened."""
    if not isinstance(data, dict):
        return [(str(_("data")), _value_in_words(data))] if data not in (None, "") else []
    return [(str(DATA_LABELS.get(key, key.replace("_", " "))), _value_in_words(value)) for key, value in data.items()]


def _value_in_words(value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(_value_in_words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{DATA_LABELS.get(key, key)}: {_value_in_words(item)}" for key, item in value.items())
    return str(value)
