"""The task spine's pages: the start page, the one to-do list, the one task page and its actions, notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
from cases.common.views import error_message
from cases.models import District
from workflow import notifications, roles, selectors
from workflow.deadlines import attach_due_status, warning_window_end
from workflow.forms import NotificationSettingsForm, ReassignForm
from workflow.models import Notification, NotificationSettings, WorkItem
from workflow.steps import flow_pages, step_choices, step_of, subject_of, works_queues
from workflow.tasks import TaskUnavailable, task_claim, task_reassign, task_release, user_may_take


class StartView(LoginRequiredMixin, TemplateView):
    """Each user's start page: what their roles let them do, with the most urgent first."""

    template_name = "workflow/start.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        user_roles = roles.roles_of(user)
        today = timezone.localdate()
        soon = warning_window_end(today)
        return super().get_context_data(
            roles=[(role, roles.ROLE_LABELS[role]) for role in user_roles],
            organisations=list(user.organisations.select_related("district")),
            inbox=selectors.counts(selectors.inbox_for(user=user), today=today, soon=soon),
            queue=selectors.counts(selectors.queue_for(user=user), today=today, soon=soon)
            if works_queues(user)
            else None,
            section_overdue=selectors.capped_count(selectors.overdue_for(today=today))
            if roles.has_role(user, roles.CHIEF)
            else None,
            applications=visible_applications(user).select_related("organisation")[:10]
            if roles.has_role(user, roles.APPLICANT)
            else [],
            **kwargs,
        )


class TaskListView(LoginRequiredMixin, View):
    """Inbox (my work), queue (what my roles may claim), archive (what I finished) and, for the chief, every
    overdue task: every kind of work in one table, the earliest due first, filterable by kind, step, district."""

    mode = "inbox"

    def get(self, request):
        user, today = request.user, timezone.localdate()
        filters = {name: request.GET.get(name, "")[:50] for name in ("kind", "step", "district")}
        is_chief = roles.has_role(user, roles.CHIEF)
        if self.mode == "overdue":
            if not is_chief:
                raise PermissionDenied
            rows = selectors.overdue_for(today=today, **filters)
        else:
            select = {"inbox": selectors.inbox_for, "queue": selectors.queue_for, "archive": selectors.archive_for}
            rows = select[self.mode](user=user, **filters)
        page = selectors.page_of(rows, cursor=request.GET.get("after", "")[:80], archive=self.mode == "archive")
        attach_due_status(page.rows, today=today)
        return render(
            request,
            "workflow/task_list.html",
            {
                "mode": self.mode,
                "page": page,
                **filters,
                "kinds": WorkItem.Kind.choices,
                "steps": step_choices(),
                "districts": District.objects.all(),
                "is_chief": is_chief,
                "works_queues": works_queues(user),
                "query": {key: value for key, value in filters.items() if value},
            },
        )


def _task_or_404(request, task_pk) -> tuple[Task, object]:
    """A task the user holds, may claim, or (chief) may reassign, with its case; anything else is 404."""
    task = get_object_or_404(Task.objects.select_related("process", "owner", "deadline"), pk=task_pk)
    if task.flow_task_type != "HUMAN" or step_of(task) is None:
        raise Http404
    user, subject = request.user, subject_of(task)
    if task.owner_id == user.pk or user_may_take(user, task) or _may_reassign(user, task):
        return task, subject
    if flow_pages(task.flow_task.flow_class).readable_by(user, subject):
        return task, subject  # to read: only the holder acts
    raise Http404


def _may_reassign(user, task) -> bool:
    return roles.has_role(user, roles.CHIEF) and task.status in selectors.OPEN


def _is_mine(request, task) -> bool:
    return task.owner_id == request.user.pk and task.status == STATUS.ASSIGNED


def _form(step_or_action, request, task, subject, *, bound: bool = False):
    kwargs = step_or_action.form_kwargs(request, task, subject) if step_or_action.form_kwargs else {}
    if bound:
        return step_or_action.form_class(request.POST, request.FILES, **kwargs)
    return step_or_action.form_class(**kwargs)


def _reassign_form(user, task):
    if not _may_reassign(user, task) or not task.owner_permission:
        return None
    app_label, codename = task.owner_permission.split(".")
    candidates = (
        User.objects.filter(
            is_active=True,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app_label,
        )
        .exclude(pk=task.owner_id)
        .distinct()
        .order_by("username")
    )
    return ReassignForm(candidates=candidates)


def _render_task(request, task, subject, form=None, status=200):
    step = step_of(task)
    pages = flow_pages(task.flow_task.flow_class)
    is_mine = _is_mine(request, task)
    attach_due_status([task])
    context = {
        "task": task,
        "subject": subject,
        "subject_url": pages.subject_url(subject),
        "organisation": pages.organisation(subject),
        "step": step,
        "panel": pages.panel,
        "is_mine": is_mine,
        "form": form or (_form(step, request, task, subject) if is_mine else None),
        "can_claim": task.status == STATUS.NEW and user_may_take(request.user, task),
        "can_release": is_mine and bool(task.owner_permission),
        "reassign_form": _reassign_form(request.user, task),
        **(pages.panel_context(request, subject) if pages.panel_context else {}),
        **(step.context(request, task, subject) if step.context else {}),
    }
    context[pages.subject_name] = subject  # the step templates' own word for it
    return render(request, "workflow/task_detail.html", context, status=status)


@login_required
def task_detail(request, task_pk):
    """The one task page of every step of every flow: GET shows it, POST completes the step or runs one of
    the step's actions (action=<name>), always as the holder of the task."""
    task, subject = _task_or_404(request, task_pk)
    if request.method != "POST":
        return _render_task(request, task, subject)
    if not _is_mine(request, task):
        if task.status == STATUS.NEW:
            messages.error(request, _("Claim the task before working on it."))
        else:
            messages.error(request, _("This task is not in your inbox any more (completed or reassigned)."))
        return _render_task(request, task, subject)
    step = step_of(task)
    action = step.actions.get(request.POST.get("action", ""))
    form = _form(action or step, request, task, subject, bound=True)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _render_task(request, task, subject, form if action is None or action.label else None)
    try:
        (action or step).perform(form, subject, request.user)
    except (ValidationError, TaskUnavailable, PermissionDenied) as error:
        messages.error(request, error_message(error))
        return _render_task(request, task, subject, form if action is None or action.label else None)
    if action is not None:
        messages.success(request, action.message)
        return redirect("tasks:detail", task_pk=task.pk)
    messages.success(request, step.done_message)
    return redirect("tasks:inbox")


def _task_action(request, task_pk, action, success, next_url=None):
    try:
        action()
        messages.success(request, success)
    except TaskUnavailable as error:
        messages.error(request, str(error))
    return redirect(next_url or reverse("tasks:detail", args=[task_pk]))


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
        next_url=reverse("tasks:inbox"),
    )


@login_required
@require_POST
def task_reassign_view(request, task_pk):
    task, _subject = _task_or_404(request, task_pk)
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


@login_required
def list_redirect(request, mode: str, kind: str):
    """The lists each flow used to have lead to the one to-do list, filtered to that kind of work."""
    return redirect(f"{reverse(f'tasks:{mode}')}?kind={kind}")


@login_required
def task_redirect(request, task_pk, **kwargs):
    """The task pages each flow used to have lead to the one task page."""
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
