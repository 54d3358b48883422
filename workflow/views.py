from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from workflow import roles


class StartView(LoginRequiredMixin, TemplateView):
    """Each user's start page: what their roles let them do, with the most urgent first."""

    template_name = "workflow/start.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        user_roles = roles.roles_of(user)
        return super().get_context_data(
            roles=[(role, roles.ROLE_LABELS[role]) for role in user_roles],
            organisations=list(user.organisations.select_related("district")),
            **kwargs,
        )
