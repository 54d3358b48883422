"""Resident ID numbers (居民身份证号码): validation, normalisation, keyed hashing and masking."""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

__all__ = ["id_number_hash", "mask_id_number", "normalise_id_number", "resident_id_problem"]


def normalise_id_number(value) -> str:
    """The canonical form of a resident ID number: half-width, no spaces, upper-case X."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


def id_number_hash(value) -> str:
    """The keyed hash (HMAC-SHA256) that stands for an ID number in the database."""
    key = settings.ID_NUMBER_HMAC_KEY.encode()
    return hmac.new(key, normalise_id_number(value).encode(), hashlib.sha256).hexdigest()


def resident_id_problem(number: str) -> str | None:
    """None for a well-formed resident ID number, else "format", "checksum" or "birth_date".

    The check digit (GB 11643) and the date of birth are checked with python-stdnum; the region code
    is not looked up, because stdnum's table lacks districts created since the 1990s (110112 to 110119
    in Beijing, for instance) and raises KeyError for some codes.
    """
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return "format"
    if ric.calc_check_digit(number) != number[-1]:
        return "checksum"
    try:
        ric.get_birth_date(number)
    except (ValueError, stdnum_errors.ValidationError):
        return "birth_date"
    return None


def mask_id_number(value) -> str:
    """110***********1234: the first three and last four characters only."""
    number = normalise_id_number(value)
    return f"{number[:3]}{'*' * max(len(number) - 7, 0)}{number[-4:]}"
