"""Uploads: checked by content, not by name, and refused as soon as they are too large.

Only PDF and the common images are accepted. The first bytes only say what a file claims to be; each one
is then parsed for real: a PDF must open with pypdf, have pages and carry no JavaScript, launch or
import actions and no embedded files; an image must decode completely within a pixel limit.

Size: UploadLimitMiddleware counts every uploaded file while the request body is read and stops reading
at the first file over its limit (UPLOAD_MAX_BYTES, or the limit settings.UPLOAD_LIMITS gives the view),
answering 413; a request whose Content-Length is over UPLOAD_MAX_REQUEST_BYTES is refused before any of
its body is read. File names lose control and format characters (the right-to-left override among them)
and are shortened to FILE_NAME_MAX_LENGTH characters, keeping the extension.
"""

import hashlib
import io
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from cases.common.text import without_control_characters

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
FILE_NAME_MAX_LENGTH = 100
_EXTENSION_MAX_LENGTH = 16

# PDF features that run something or carry other files: JavaScript (document, page, field and annotation
# actions), launching programs, importing or submitting data, embedded and attached files, rich media.
_DANGEROUS_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
_DANGEROUS_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
}
_DANGEROUS_TYPES = {"/EmbeddedFile", "/Filespec"}
_DANGEROUS_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"}
_PDF_MAX_OBJECTS = 200_000


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_filename(name: str, *, max_length: int = FILE_NAME_MAX_LENGTH) -> str:
    """The last part of a path, without control characters, at most max_length characters with its extension."""
    name = without_control_characters(str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(name.split()).strip(" .")
    stem, extension = os.path.splitext(name)
    if len(extension) > _EXTENSION_MAX_LENGTH or not stem:
        stem, extension = name, ""
    if len(name) > max_length:
        stem = stem[: max(max_length - len(extension), 1)].rstrip(" .")
        name = stem + extension
    return name or "file"


def _too_large(size: int, limit: int) -> str:
    return _("The file is too large (%(size)s); the limit is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    sha256: str
    image: Image.Image | None = None  # decoded, for images


def check_upload(uploaded) -> tuple[str, str]:
    """Return (content type, sha256) or raise ValidationError in the user's language."""
    checked = checked_upload(uploaded)
    return checked.content_type, checked.sha256


def checked_upload(uploaded, *, max_pixels: int | None = None) -> CheckedUpload:
    """Check an uploaded file by size and content; images come back decoded."""
    uploaded.name = clean_filename(uploaded.name)
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_too_large(uploaded.size, settings.UPLOAD_MAX_BYTES))
    uploaded.seek(0)
    content_type = sniff_content_type(uploaded.read(16))
    if content_type is None:
        raise ValidationError(_("Only PDF, PNG and JPEG files are accepted (checked by content, not by name)."))
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    image = None
    try:
        if content_type == "application/pdf":
            check_pdf(uploaded)
        else:
            image = decoded_image(uploaded, content_type, max_pixels=max_pixels or settings.UPLOAD_MAX_PIXELS)
    finally:
        uploaded.seek(0)
    return CheckedUpload(content_type=content_type, sha256=digest.hexdigest(), image=image)


def check_pdf(stream) -> int:
    """The page count of a readable PDF without active content; ValidationError otherwise."""
    try:
        reader = _pdf_reader(stream)
        if reader.is_encrypted:
            raise ValidationError(_("Encrypted PDF files are not accepted; save it without a password."))
        pages = len(reader.pages)
        problem = _active_content(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of error on damaged or fake files; all mean "not a PDF"
        raise ValidationError(_("The file is not a readable PDF document.")) from None
    if pages < 1:
        raise ValidationError(_("The file is not a readable PDF document."))
    if problem:
        raise ValidationError(
            _("PDF files with scripts, actions that start programs or embedded files are not accepted (%(what)s).")
            % {"what": problem}
        )
    return pages


def _pdf_reader(stream) -> PdfReader:
    """pypdf's reader; a file that lacks only its closing startxref line is read the way viewers repair it."""
    try:
        return PdfReader(stream, strict=False)
    except PdfReadError as error:
        if "startxref" not in str(error):
            raise
    stream.seek(0)
    data = stream.read(settings.UPLOAD_MAX_BYTES + 1)
    # Pointing startxref at offset 0 makes pypdf rebuild the cross-reference table by scanning the objects.
    return PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)


def _active_content(reader: PdfReader) -> str:
    """The first dangerous feature found in any object of the file (compressed object streams included)."""
    seen = 0
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            seen += 1
            if seen > _PDF_MAX_OBJECTS:
                return "too many objects"
            found = _dangerous(reader.get_object(IndirectObject(number, generation, reader)))
            if found:
                return found
    for number in list(reader.xref_objStm):
        seen += 1
        if seen > _PDF_MAX_OBJECTS:
            return "too many objects"
        found = _dangerous(reader.get_object(IndirectObject(number, 0, reader)))
        if found:
            return found
    return _dangerous(reader.trailer)


def _dangerous(obj, depth: int = 0) -> str:
    """Look through one object and the direct objects inside it (indirect ones are checked on their own)."""
    if depth > 50 or obj is None:
        return ""
    if isinstance(obj, DictionaryObject):
        for key in obj.keys():
            if key in _DANGEROUS_KEYS:
                return key
        for key, expected in (
            ("/S", _DANGEROUS_ACTIONS),
            ("/Type", _DANGEROUS_TYPES),
            ("/Subtype", _DANGEROUS_SUBTYPES),
        ):
            value = obj.get(key)
            if isinstance(value, NameObject) and value in expected:
                return str(value)
        children = obj.values()
    elif isinstance(obj, ArrayObject):
        children = obj
    else:
        return ""
    for child in children:
        if not isinstance(child, IndirectObject):
            found = _dangerous(child, depth + 1)
            if found:
                return found
    return ""


def decoded_image(stream, content_type: str, *, max_pixels: int) -> Image.Image:
    """The image decoded in full (every pixel), of the sniffed format and within max_pixels."""
    data = stream.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()  # structure and checksums
            image = Image.open(io.BytesIO(data))
            if IMAGE_FORMATS.get(image.format) != content_type:
                raise ValidationError(_("The file is not a readable JPEG or PNG image."))
            if image.width * image.height > max_pixels:
                raise ValidationError(
                    _("The image has too many pixels (%(width)s × %(height)s).")
                    % {"width": image.width, "height": image.height}
                )
            image.load()
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(_("The file is not a readable JPEG or PNG image.")) from None
    return image


# Size limits while the request is read


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they arrive and stops reading the request at the first one over."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit, self.received = limit, 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = (self.file_name, self.limit)
            raise StopUpload(connection_reset=True)  # do not read (or store) the rest of the body
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file


def _is_upload(request) -> bool:
    return request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data"


class UploadLimitMiddleware:
    """Refuses oversized uploads with 413 before their whole body is received; cleans every file name.

    Must come before CsrfViewMiddleware (which reads the body to find the token).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _is_upload(request):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_BYTES:
            return self._refuse(_too_large(length, settings.UPLOAD_MAX_REQUEST_BYTES))
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        limit = settings.UPLOAD_LIMITS.get(view_name, settings.UPLOAD_MAX_BYTES)
        request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit=limit))
        request.POST  # noqa: B018 (parse now, with the handler counting)
        too_large = getattr(request, "upload_too_large", None)
        if too_large is not None:
            name, limit = too_large
            return self._refuse(
                _("%(name)s: the file is too large; the limit is %(limit)s.")
                % {"name": clean_filename(name), "limit": filesizeformat(limit)}
            )
        for _field, files in request.FILES.lists():
            for uploaded in files:
                uploaded.name = clean_filename(uploaded.name)
        return None

    @staticmethod
    def _refuse(message: str) -> HttpResponse:
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
