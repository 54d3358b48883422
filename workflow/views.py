from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_request, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.applications.access import visible_applications
from cases.applications.forms import ObjectionForm, ReassignForm, ResolveObjectionForm
from cases.applications.services import objection_record, objection_resolve
from cases.applications.steps import STEPS
from cases.common.views import error_message
from cases.models import District
from workflow import notifications, roles, selectors
from workflow.deadlines import attach_due_status, warning_window_end
from workflow.forms import NotificationSettingsForm
from workflow.models import Notification, NotificationSettings
from workflow.tasks import TaskUnavailable, task_claim, task_reassign, task_release, user_may_take


class StartView(LoginRequiredMixin, TemplateView):
    """Each user's start page: what their roles let them do, with the most urgent first."""

    template_name = "workflow/start.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        user_roles = roles.roles_of(user)
        works_tasks = bool(set(user_roles) - {roles.APPLICANT, roles.AUDITOR})
        is_chief = roles.CHIEF in user_roles
        today = timezone.localdate()
        soon = warning_window_end(today) if works_tasks else today

        def counts(qs):
            return selectors.deadline_counts(qs, today=today, soon=soon)

        return super().get_context_data(
            roles=[(role, roles.ROLE_LABELS[role]) for role in user_roles],
            organisations=list(user.organisations.select_related("district")),
            works_tasks=works_tasks,
            inbox=counts(selectors.inbox_for(user=user)) if works_tasks else None,
            queue=counts(selectors.queue_for(user=user)) if works_tasks else None,
            section_overdue=selectors.overdue_for(user=user, today=today).count() if is_chief else None,
            applications=visible_applications(user).select_related("organisation")[:10]
            if roles.has_role(user, roles.APPLICANT)
            else [],
            **kwargs,
        )


class TaskListView(LoginRequiredMixin, View):
    """Inbox (mine), queue (my roles may claim), archive (I completed) and, for the chief, every overdue task.

    Open tasks are sorted by due date and show the working days left; filterable by step and district.
    """

    mode = "inbox"
    selectors = {"inbox": selectors.inbox_for, "queue": selectors.queue_for, "archive": selectors.archive_for}

    def get(self, request):
        step, district = request.GET.get("step", ""), request.GET.get("district", "")
        is_chief = roles.has_role(request.user, roles.CHIEF)
        if self.mode == "overdue":
            if not is_chief:
                raise PermissionDenied
            tasks = selectors.overdue_for(user=request.user, today=timezone.localdate(), step=step, district=district)
        else:
            tasks = self.selectors[self.mode](user=request.user, step=step, district=district)
        page = Paginator(tasks, 25).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        attach_due_status(page.object_list)
        return render(
            request,
            "workflow/task_list.html",
            {
                "mode": self.mode,
                "page": page,
                "step": step,
                "district": district,
                "steps": [(name, s.title) for name, s in STEPS.items()],
                "districts": District.objects.all(),
                "now": timezone.now(),
                "is_chief": is_chief,
            },
        )


def _task_or_404(request, task_pk):
    """A task the user holds, may claim, or (chief) may reassign; anything else is 404."""
    task = get_object_or_404(
        Task.objects.select_related("process__filing_application", "owner", "deadline"), pk=task_pk
    )
    application = getattr(task.process, "filing_application", None)
    if application is None:
        raise Http404
    user = request.user
    if task.owner_id == user.pk or user_may_take(user, task) or roles.has_role(user, roles.CHIEF):
        return task, application
    raise Http404


def _render_task(request, task, application, form=None):
    step = STEPS.get(task.flow_task.name)
    is_mine = task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED
    attach_due_status([task])
    return render(
        request,
        "workflow/task_detail.html",
        {
            "task": task,
            "application": application,
            "step": step,
            "is_mine": is_mine,
            "form": form or (_step_form(step, request, task, application) if step and is_mine else None),
            "step_template": step.template if step else None,
            "can_claim": task.status == STATUS.NEW and user_may_take(request.user, task),
            "can_release": is_mine and bool(task.owner_permission),
            "reassign_form": _reassign_form(request.user, task),
            "own_score": _own_score(application, request.user) if task.flow_task.name == "score" else None,
            "inspection": application.inspections.first(),
            "objections": application.objections.all(),
            "objection_form": ObjectionForm(),
            **(step.context(request, task, application) if step and step.context else {}),
        },
    )


def _step_form(step, request, task, application, data=None, files=None):
    kwargs = step.form_kwargs(request, task, application) if step.form_kwargs else {}
    return step.form_class(data, files, **kwargs)


def _own_score(application, user):
    panel = application.panels.first()
    return panel.scores.filter(expert=user).first() if panel else None


def _reassign_form(user, task):
    if not roles.has_role(user, roles.CHIEF) or task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return None
    candidates = User.objects.filter(is_active=True).exclude(pk=task.owner_id)
    if task.owner_permission:
        app_label, codename = task.owner_permission.split(".")
        candidates = candidates.filter(
            groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
        ).distinct()
    return ReassignForm(candidates=candidates.order_by("username"))


@login_required
def task_detail(request, task_pk):
    task, application = _task_or_404(request, task_pk)
    if request.method != "POST":
        return _render_task(request, task, application)
    step = STEPS[task.flow_task.name]
    form = _step_form(step, request, task, application, data=request.POST, files=request.FILES)
    saving = step.save is not None and request.POST.get("action") == "save"
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_task(request, task, application, form)
    try:
        (step.save if saving else step.perform)(form, application, request.user)
    except (ValidationError, TaskUnavailable, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return _render_task(request, task, application, form)
    if saving:
        messages.success(request, step.saved_message)
        return redirect("tasks:detail", task_pk=task.pk)
    messages.success(request, step.done_message)
    return redirect("tasks:inbox")


@login_required
@require_POST
def task_claim_view(request, task_pk):
    _task_or_404(request, task_pk)
    return _task_action(request, task_pk, lambda: task_claim(task_id=task_pk, actor=request.user), _("Task claimed."))


@login_required
@require_POST
def task_release_view(request, task_pk):
    _task_or_404(request, task_pk)
    return _task_action(
        request,
        task_pk,
        lambda: task_release(task_id=task_pk, actor=request.user),
        _("Task returned to the queue."),
        next_url="tasks:inbox",
    )


@login_required
@require_POST
def task_reassign_view(request, task_pk):
    task, _application = _task_or_404(request, task_pk)
    form = _reassign_form(request.user, task)
    if form is None:
        raise PermissionDenied
    form = ReassignForm(request.POST, candidates=form.fields["to_user"].queryset)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague to reassign to."))
        return redirect("tasks:detail", task_pk=task_pk)
    to_user = form.cleaned_data["to_user"]
    return _task_action(
        request,
        task_pk,
        lambda: task_reassign(task_id=task_pk, actor=request.user, to_user=to_user),
        _("Task reassigned."),
    )


def _task_action(request, task_pk, action, success, next_url=None):
    try:
        action()
        messages.success(request, success)
    except TaskUnavailable as error:
        messages.error(request, str(error))
    return redirect(next_url or "tasks:detail", **({} if next_url else {"task_pk": task_pk}))


@login_required
@require_POST
def objection_add(request, task_pk):
    _task, application = _task_or_404(request, task_pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            objection_record(application=application, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Objection recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Fill in who raised the objection and what it says."))
    return redirect("tasks:detail", task_pk=task_pk)


@login_required
@require_POST
def objection_resolve_view(request, task_pk, objection_pk):
    _task, application = _task_or_404(request, task_pk)
    objection = get_object_or_404(application.objections, pk=objection_pk)
    form = ResolveObjectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Describe how the objection was resolved."))
        objection_resolve(objection=objection, actor=request.user, resolution=form.cleaned_data["resolution"])
        messages.success(request, _("Objection resolved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("tasks:detail", task_pk=task_pk)


# Notifications


class NotificationListView(LoginRequiredMixin, View):
    """The user's notifications, newest first; unread ones stand out until opened or marked read."""

    def get(self, request):
        page = Paginator(notifications.notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        for notification in page.object_list:
            notification.text = notifications.notification_text(notification)
        return render(request, "workflow/notifications.html", {"page": page})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("workbench:notifications")


@login_required
@require_POST
def notifications_mark_read(request):
    count = notifications.mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count},
    )
    return redirect("workbench:notifications")


@login_required
def notification_settings(request):
    """E-mail on or off per kind of notification, and the language e-mails are written in."""
    current = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(
        user=request.user, language=get_language_from_request(request)
    )
    form = NotificationSettingsForm(request.POST or None, settings_row=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Notification settings saved."))
        return redirect("workbench:notification_settings")
    return render(request, "workflow/notification_settings.html", {"form": form, "has_email": bool(request.user.email)})
