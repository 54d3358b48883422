"""What every capability's pages share: the text of a refused action, and the audited file download."""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from audits.services import audit_record


def error_message(error) -> str:
    """The message to show for a refused action (a ValidationError's messages, or the error's own text)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


def audited_download(request, *, obj, field, name: str, content_type: str, digest: str, kind: str, **data):
    """Send a stored file as a download and record who downloaded what in the audit trail."""
    audit_record(
        actor=request.user,
        action="document.downloaded",
        obj=obj,
        data={"kind": kind, "sha256": digest, "name": name, **data},
    )
    return FileResponse(field.open("rb"), as_attachment=True, filename=name, content_type=content_type)
