from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workflow.calendar import is_statutory_working_day
from workflow.models import CalendarOverride, JobFailure, Notification, StepLimit, TaskDeadline


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "statutory_status", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    fields = ["date", "kind", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    list_select_related = ["created_by"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    @admin.display(description=_("statutory calendar"))
    def statutory_status(self, obj):
        # Shows what the override changes (or that it merely confirms the statutory calendar).
        return _("working day") if is_statutory_working_day(obj.date) else _("day off")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StepLimit)
class StepLimitAdmin(admin.ModelAdmin):
    list_display = ["code", "working_days", "default_working_days"]  # code shows the step's name
    list_editable = ["working_days"]

    @admin.display(description=_("default"))
    def default_working_days(self, obj):
        return obj.default_working_days

    def get_readonly_fields(self, request, obj=None):
        # The code is what the flows look the limit up by; only the number is the regulator's to change.
        return ["code"] if obj else []


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system only: looked at here, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TaskDeadline)
class TaskDeadlineAdmin(ReadOnlyAdmin):
    list_display = ["task", "step", "started_on", "due_on", "warned_at", "overdue_at", "escalated_at"]
    list_filter = ["step", ("escalated_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "due_on"
    list_select_related = ["task"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "email", "emailed_at", "read_at"]
    list_filter = ["kind", "email"]
    search_fields = ["recipient__username", "event_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(JobFailure)
class JobFailureAdmin(admin.ModelAdmin):
    """Failed background jobs: read the error, queue the job again, or mark it dealt with."""

    list_display = ["failed_at", "job", "short_error", "attempts", "queued", "resolved_at", "resolution"]
    list_filter = ["job", "queued", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["job", "error", "task_id"]
    readonly_fields = [f.name for f in JobFailure._meta.fields if f.name not in {"resolution"}]
    actions = ["retry", "mark_resolved"]
    date_hierarchy = "failed_at"

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("error"))
    def short_error(self, obj):
        return obj.error[:120]

    @admin.action(description=_("Queue the selected jobs again"), permissions=["change"])
    def retry(self, request, queryset):
        from workflow.background import enqueue, registered_job

        done = 0
        for failure in queryset.filter(resolved_at__isnull=True):
            task = registered_job(failure.job)
            if task is None:
                self.message_user(request, _("Unknown job %(job)s.") % {"job": failure.job}, messages.ERROR)
                continue
            failure.resolved_at, failure.resolution = timezone.now(), str(_("queued again"))
            failure.save(update_fields=["resolved_at", "resolution"])
            enqueue(task, *failure.args)  # a new failure is recorded as a new row
            done += 1
        self.message_user(
            request, ngettext("%(count)d job queued again.", "%(count)d jobs queued again.", done) % {"count": done}
        )

    @admin.action(description=_("Mark the selected failures as dealt with"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=str(_("dealt with by hand"))
        )
        self.message_user(
            request, ngettext("%(count)d failure marked.", "%(count)d failures marked.", count) % {"count": count}
        )
