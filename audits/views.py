import csv

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from audits.access import can_view_audit_trail
from audits.actions import TRAIL_EXPORTED
from audits.forms import AuditSearchForm
from audits.models import AuditEvent
from audits.selectors import AuditSearch, audit_entries, audit_export_entries, audit_page, audit_search
from audits.services import audit_record


class _AuditorOnly(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return can_view_audit_trail(self.request.user)

    def search(self) -> AuditSearch:
        """The search the query asks for; an invalid form (shown with its errors) finds nothing."""
        self.form = AuditSearchForm(self.request.GET or None)
        if not self.form.is_bound:
            return audit_search()
        if not self.form.is_valid():
            return AuditSearch(AuditEvent.objects.none())
        return audit_search(**self.form.cleaned_data)


class AuditSearchView(_AuditorOnly, ListView):
    """Read-only search over the whole trail for auditors, newest first, 50 per page ("more" after an id)."""

    template_name = "audits/search.html"
    context_object_name = "entries"

    def get_queryset(self):
        self.found = self.search()
        self.page = audit_page(self.found.events, after=self.request.GET.get("after", "")[:20])
        return audit_entries(self.page.rows)

    def get_context_data(self, **kwargs):
        query = {key: value for key, value in self.request.GET.items() if key not in {"after", "page"}}
        return super().get_context_data(
            form=self.form,
            page=self.page,
            found=self.found,
            query=query,
            events=self.page.rows,
            searched=self.form.is_bound and self.form.is_valid(),
            **kwargs,
        )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class AuditExportView(_AuditorOnly, View):
    """The whole result of a search as CSV (UTF-8 with a byte-order mark), streamed in chunks by key."""

    def get(self, request):
        found = self.search()
        if self.form.is_bound and not self.form.is_valid():
            found.events = AuditEvent.objects.none()
        audit_record(
            actor=request.user,
            action=TRAIL_EXPORTED,
            data={"filters": {key: value for key, value in request.GET.items() if value}},
        )
        writer = csv.writer(_Echo())
        header = [
            _("ID"),
            _("Time"),
            _("Login"),
            _("User"),
            _("Action"),
            _("Action code"),
            _("Object"),
            _("Object name"),
            _("From state"),
            _("To state"),
            _("Details"),
            _("IP address"),
            _("Request"),
            _("Hash"),
        ]

        def lines():
            yield "\ufeff" + writer.writerow(header)
            for entry in audit_export_entries(found.events):
                event = entry.event
                yield writer.writerow(
                    _cell(value)
                    for value in (
                        event.pk,
                        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                        entry.login,
                        entry.who,
                        entry.what,
                        event.action,
                        entry.noun,
                        entry.name,
                        entry.from_label,
                        entry.to_label,
                        "; ".join(f"{label}: {value}" for label, value in entry.facts),
                        event.ip,
                        event.request_id,
                        event.hash,
                    )
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        name = f"audit-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
