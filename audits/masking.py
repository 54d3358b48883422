"""Masking of personal identifiers before they reach the audit trail or a log."""

import re

# An 18-character resident identity card number (居民身份证号码): 17 digits and a check
# character. Latin letters or digits on either side mean it is part of a longer token (a longer
# number, or a SHA-256 hex digest that happens to hold 18 digits in a row), not an ID.
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_id_number(text: str) -> str:
    """Replace every resident ID number in text by its first 3 and last 4 characters."""
    return _RESIDENT_ID.sub(lambda match: f"{match[1]}{'*' * 11}{match[2]}", text)
