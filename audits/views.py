from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import ListView

from audits.access import can_view_audit_trail
from audits.forms import AuditSearchForm
from audits.models import AuditEvent
from audits.selectors import audit_page, audit_search


class AuditSearchView(LoginRequiredMixin, UserPassesTestMixin, ListView):
    """Read-only search over the whole trail for auditors, newest first, 50 per page ("more" after an id)."""

    template_name = "audits/search.html"
    context_object_name = "events"

    def test_func(self):
        return can_view_audit_trail(self.request.user)

    def get_queryset(self):
        self.page = audit_page(self._events(), after=self.request.GET.get("after", "")[:20])
        return self.page.rows

    def _events(self):
        self.form = AuditSearchForm(self.request.GET or None)
        if not self.form.is_bound:
            return audit_search()
        if not self.form.is_valid():
            return AuditEvent.objects.none()
        return audit_search(**self.form.cleaned_data)

    def get_context_data(self, **kwargs):
        query = {key: value for key, value in self.request.GET.items() if key not in {"after", "page"}}
        return super().get_context_data(form=self.form, page=self.page, query=query, **kwargs)
