"""Photo evidence: checked by content (Pillow must decode it as JPEG or PNG), hashed, thumbnailed."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from cases.common.uploads import check_upload
from cases.inspections.exif import PhotoMetadata, photo_metadata

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
THUMBNAIL_SIZE = (960, 960)


@dataclass(frozen=True)
class CheckedPhoto:
    content_type: str
    sha256: str
    size: int
    width: int
    height: int
    metadata: PhotoMetadata
    thumbnail: bytes  # JPEG, upright (EXIF orientation applied), at most THUMBNAIL_SIZE


def photo_check(uploaded) -> CheckedPhoto:
    """Return the checked photo or raise ValidationError naming what is wrong with it."""
    content_type, digest = check_upload(uploaded)
    if content_type not in FORMATS.values():
        raise ValidationError(_("Photos must be JPEG or PNG images."))
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure and checksums, without decoding every pixel
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS or FORMATS[image.format] != content_type:
                raise ValidationError(_("Photos must be JPEG or PNG images."))
            if image.width * image.height > settings.INSPECTION_PHOTO_MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a readable JPEG or PNG image.")) from None
    metadata = photo_metadata(image)
    return CheckedPhoto(
        content_type=content_type,
        sha256=digest,
        size=len(data),
        width=image.width,
        height=image.height,
        metadata=metadata,
        thumbnail=_thumbnail(image),
    )


def _thumbnail(image: Image.Image) -> bytes:
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail(THUMBNAIL_SIZE)
    if upright.mode not in ("RGB", "L"):
        background = Image.new("RGB", upright.size, "white")
        converted = upright.convert("RGBA")
        background.paste(converted, mask=converted.getchannel("A"))
        upright = background
    buffer = io.BytesIO()
    upright.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()
