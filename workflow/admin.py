from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from workflow.calendar import is_statutory_working_day
from workflow.models import CalendarOverride, StepLimit


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
