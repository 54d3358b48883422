"""The append-only, hash-chained audit trail (审计记录)."""

from audits.masking import mask_id_number

__all__ = ["mask_id_number"]
