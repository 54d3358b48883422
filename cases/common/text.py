"""Text from outside (query strings, file names): without the characters that break storage or display."""

import unicodedata

# Cc: controls (NUL, which PostgreSQL refuses in text, and the C0/C1 ranges); Cf: format characters such
# as the right-to-left override that makes "gpj.exe" read as "exe.jpg"; Cs: lone surrogates, which cannot
# be encoded as UTF-8; Zl/Zp: line and paragraph separators.
_REMOVED = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def without_control_characters(text: str, *, keep: str = "") -> str:
    """text without control and format characters (those in `keep`, e.g. "\\n", stay)."""
    return "".join(ch for ch in str(text) if ch in keep or unicodedata.category(ch) not in _REMOVED)


def clean_query_text(value: str) -> str:
    """A query-string value as filters use it: stripped, without control characters."""
    return without_control_characters(value or "").strip()
