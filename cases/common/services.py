"""Writes every capability shares: the one fsm transition helper."""

from collections.abc import Iterable

from audits.services import audit_record

# The audit trail names a model's transitions by these words (older events keep them); others by model name.
AUDIT_NAMES = {"filingapplication": "application", "supervisioncase": "supervision"}


def transition(
    obj,
    actor,
    method: str,
    *,
    fields: Iterable[str] = (),
    field: str = "state",
    public: bool = False,
    data: dict | None = None,
) -> None:
    """Run one fsm transition on a locked row, save its state and the `fields` the caller changed with it,
    and record it in the audit trail (same transaction)."""
    source = getattr(obj, field)
    getattr(obj, method)()
    obj.save(update_fields=[field, *fields])
    audit_record(
        actor=actor,
        action=f"{AUDIT_NAMES.get(obj._meta.model_name, obj._meta.model_name)}.{method}",
        obj=obj,
        from_state=source,
        to_state=getattr(obj, field),
        public=public,
        data=data or {},
    )
