from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.views.generic import ListView

from audits.access import can_view_audit_trail
from audits.forms import AuditSearchForm
from audits.models import AuditEvent
from audits.selectors import audit_search


class AuditSearchView(LoginRequiredMixin, UserPassesTestMixin, ListView):
    """Read-only search over the whole trail for auditors, newest first, 50 per page."""

    template_name = "audits/search.html"
    context_object_name = "events"
    paginate_by = 50

    def test_func(self):
        return can_view_audit_trail(self.request.user)

    def get_queryset(self):
        self.form = AuditSearchForm(self.request.GET or None)
        if not self.form.is_bound:
            return audit_search()
        if not self.form.is_valid():
            return AuditEvent.objects.none()
        return audit_search(**self.form.cleaned_data)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=self.form, query=query.urlencode(), **kwargs)
