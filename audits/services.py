"""Recording audit events: the only way rows get into the trail."""

import ipaddress

from django.db import models, router, transaction
from django.utils import timezone

from audits.chain import compute_hash, event_fields, lock_chain_head
from audits.context import current_context
from audits.models import AuditEvent
from audits.payload import clean_text, normalised


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    from_state: str = "",
    to_state: str = "",
    data: dict | None = None,
    public: bool = False,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (it rolls back with it).

    Costs the chain lookup and one INSERT. On PostgreSQL the append lock is held until the
    caller's transaction ends, so call this late in a service, after the slow work.
    """
    event = _unchained_event(actor=actor, action=action, obj=obj, data=data, public=public)
    event.from_state, event.to_state = str(from_state or ""), str(to_state or "")
    if object_type is not None:
        event.object_type = object_type
    if object_id is not None:
        event.object_id = clean_text(str(object_id))
    using = router.db_for_write(AuditEvent)
    # No savepoint: a failure here must fail the whole change being recorded.
    with transaction.atomic(using=using, savepoint=False):
        event.prev_hash = lock_chain_head(using)
        event.at = timezone.now()  # taken under the lock, so time order follows chain order
        event.hash = compute_hash(event.prev_hash, event_fields(event))
        event.save(using=using, force_insert=True)
    return event


def _unchained_event(*, actor, action: str, obj, data, public: bool) -> AuditEvent:
    context = current_context()
    if actor is not None and not actor.is_authenticated:
        actor = None  # AnonymousUser
    event = AuditEvent(
        actor=actor,
        actor_label=clean_text(actor.get_username()) if actor is not None else "",
        action=action,
        data=normalised(data),
        public=public,
        request_id=context.request_id if context else "",
        ip=_ip(context.ip if context else None),
    )
    if obj is not None:
        event.object_type, event.object_id = obj._meta.label_lower, clean_text(str(obj.pk))
    return event


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return None
    # The form the database gives back (IPv6 compressed), as the hash is checked against it.
    return AuditEvent._meta.get_field("ip").to_python(value)
