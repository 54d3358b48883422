"""Photo evidence: checked by content (Pillow must decode it in full as JPEG or PNG), hashed, thumbnailed."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from cases.common.uploads import checked_upload
from cases.inspections.exif import PhotoMetadata, photo_metadata

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
    checked = checked_upload(uploaded, max_pixels=settings.INSPECTION_PHOTO_MAX_PIXELS)
    if checked.image is None:
        raise ValidationError(_("Photos must be JPEG or PNG images."))
    image = checked.image
    return CheckedPhoto(
        content_type=checked.content_type,
        sha256=checked.sha256,
        size=uploaded.size,
        width=image.width,
        height=image.height,
        metadata=photo_metadata(image),
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
