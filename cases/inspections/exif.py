"""When and where a photo was taken, from its EXIF data (Pillow getexif, Exif and GPS IFDs)."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from django.conf import settings
from PIL import ExifTags, Image

_IFD0_DATETIME = 0x0132
_IFD0_MAKE, _IFD0_MODEL = 0x010F, 0x0110
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_OFFSET_TIME_ORIGINAL = 0x9011
_GPS_LATITUDE_REF, _GPS_LATITUDE = 1, 2
_GPS_LONGITUDE_REF, _GPS_LONGITUDE = 3, 4
_SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class PhotoMetadata:
    taken_at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    camera: str = ""


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip("\x00 ").strip()


def _offset(value) -> timezone | None:
    """An EXIF time offset ("+08:00"), or None when it is missing or impossible ("+99:00", "+ab:cd")."""
    text = _text(value)
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    hours, minutes = text[1:3], text[4:6]
    if not (hours.isascii() and hours.isdigit() and minutes.isascii() and minutes.isdigit()):
        return None
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:  # UTC-12:00 .. UTC+14:00 are the zones in use
        return None
    return timezone(delta if text[0] == "+" else -delta)


def _parse_time(value, offset) -> datetime | None:
    text = _text(value)
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = _offset(offset)
    if zone is not None:
        return moment.replace(tzinfo=zone)
    # Cameras record local time without a zone (or a zone that cannot be); on site that is the bureau's zone.
    return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def _degrees(value, ref, limit: int) -> Decimal | None:
    """Degrees from the (degrees, minutes, seconds) rationals; None for a zero denominator or a nonsense value."""
    try:
        d, m, s = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if not all(part.is_finite() and part >= 0 for part in (d, m, s)):
        return None  # Pillow reads n/0 as NaN; a negative part is not a position either
    degrees = d + m / 60 + s / 3600
    if _text(ref).upper() in {"S", "W"}:
        degrees = -degrees
    if abs(degrees) > limit:
        return None
    return degrees.quantize(_SIX_PLACES)


def photo_metadata(image: Image.Image) -> PhotoMetadata:
    """Time (DateTimeOriginal, else DateTime) and GPS position of an opened image; blanks when absent."""
    try:
        exif = image.getexif()
    except Exception:  # a damaged EXIF block loses the metadata, not the photo
        return PhotoMetadata()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    taken_at = _parse_time(details.get(_EXIF_DATETIME_ORIGINAL), details.get(_EXIF_OFFSET_TIME_ORIGINAL))
    if taken_at is None:
        taken_at = _parse_time(exif.get(_IFD0_DATETIME), None)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = longitude = None
    if _GPS_LATITUDE in gps and _GPS_LONGITUDE in gps:
        latitude = _degrees(gps[_GPS_LATITUDE], gps.get(_GPS_LATITUDE_REF), 90)
        longitude = _degrees(gps[_GPS_LONGITUDE], gps.get(_GPS_LONGITUDE_REF), 180)
        if latitude is None or longitude is None:
            latitude = longitude = None
    camera = " ".join(part for part in (_text(exif.get(_IFD0_MAKE)), _text(exif.get(_IFD0_MODEL))) if part)
    return PhotoMetadata(taken_at=taken_at, latitude=latitude, longitude=longitude, camera=camera[:100])
