"""Django admin for the reference data regulators edit by hand.

Pools, declared relations, checklist templates and rubrics: a published checklist or rubric is read-only
(inspections and panels refer to it); change it by copying it into a new draft version and publishing that.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.accounts import admin as accounts_admin  # noqa: F401 (the user admin: forced password change)
from cases.models import (
    ChecklistItem,
    ChecklistTemplate,
    DeclaredRelation,
    Draw,
    ExpertProfile,
    InspectorProfile,
    Rubric,
    RubricCriterion,
)
from cases.models.pools import validate_fields
from cases.models.selection import SelectionCriterion, SelectionRubric


class FieldsInput(forms.CharField):
    """Fields of expertise typed as a comma-separated list: 6, 6-18, 4-01-02-01."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        parts = [part.strip() for part in (value or "").replace("，", ",").split(",")]
        return [part for part in parts if part]

    def validate(self, value):
        super().validate(value)
        validate_fields(value)


class ProfileForm(forms.ModelForm):
    fields = FieldsInput(
        label=_("Fields of expertise"),
        required=False,
        help_text=_("Occupation code prefixes separated by commas: 6 = a major group, 6-18 = a medium group."),
    )


class ProfileAdmin(admin.ModelAdmin):
    form = ProfileForm
    list_display = ["user", "employer_display", "fields_display", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["user__username", "user__first_name", "employer__name", "employer_name"]
    raw_id_fields = ["user", "employer"]

    @admin.display(description=_("employer"))
    def employer_display(self, obj):
        return obj.employer or obj.employer_name or "—"

    @admin.display(description=_("fields of expertise"))
    def fields_display(self, obj):
        return ", ".join(obj.fields or []) or "—"


@admin.register(InspectorProfile)
class InspectorProfileAdmin(ProfileAdmin):
    pass


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ProfileAdmin):
    list_display = ["user", "title", "employer_display", "fields_display", "active", "updated_at"]


@admin.register(DeclaredRelation)
class DeclaredRelationAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "kind", "declared_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__first_name", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class VersionedAdmin(admin.ModelAdmin):
    """Drafts are edited freely; publishing freezes a version; "copy" starts the next draft from it."""

    child_relation = parent_field = ""
    list_display = ["version", "title", "published_at", "created_at"]
    readonly_fields = ["published_at", "created_by", "created_at"]
    actions = ["publish", "copy_as_new_draft"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish (becomes the current version; it can no longer change)"))
    def publish(self, request, queryset):
        for obj in queryset.filter(published_at__isnull=True).order_by("version"):
            problems = obj.publication_problems()
            if problems:
                self.message_user(request, f"v{obj.version}: {' '.join(problems)}", messages.ERROR)
                continue
            obj.published_at = timezone.now()
            obj.save(update_fields=["published_at"])
            self.message_user(request, _("Version %(version)d published.") % {"version": obj.version})

    @admin.action(description=_("Copy into a new draft version"))
    @transaction.atomic
    def copy_as_new_draft(self, request, queryset):
        model = self.model
        for source in queryset.order_by("version"):
            version = (model.objects.aggregate(top=Max("version"))["top"] or 0) + 1
            copy = model.objects.create(
                version=version,
                title=source.title,
                note=_("Copied from version %(v)d") % {"v": source.version},
                created_by=request.user,
            )
            children = getattr(source, self.child_relation).all()
            for child in children:
                child.pk = None
                setattr(child, child._meta.get_field(self.parent_field).name, copy)
                child.save()
            self.message_user(request, _("Draft version %(version)d created.") % {"version": version})


class FrozenWhenPublishedInline(admin.TabularInline):
    def has_add_permission(self, request, obj=None):
        return (obj is None or not obj.is_published) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or not obj.is_published) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.is_published) and super().has_delete_permission(request, obj)


class ChecklistItemInline(FrozenWhenPublishedInline):
    model = ChecklistItem
    extra = 1
    fields = ["position", "code", "text", "weight", "veto", "guidance"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(VersionedAdmin):
    inlines = [ChecklistItemInline]
    child_relation, parent_field = "items", "template"


class RubricCriterionInline(FrozenWhenPublishedInline):
    model = RubricCriterion
    extra = 1
    fields = ["position", "code", "text", "weight", "guidance"]


@admin.register(Rubric)
class RubricAdmin(VersionedAdmin):
    inlines = [RubricCriterionInline]
    child_relation, parent_field = "criteria", "rubric"


class SelectionCriterionInline(FrozenWhenPublishedInline):
    model = SelectionCriterion
    extra = 1
    fields = ["position", "code", "text", "weight", "guidance"]


@admin.register(SelectionRubric)
class SelectionRubricAdmin(VersionedAdmin):
    """The public selection's scoring rubric: versioned like the assessment rubric; a call names its version."""

    inlines = [SelectionCriterionInline]
    child_relation, parent_field = "criteria", "rubric"


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    """Draws are evidence: readable here, never edited."""

    list_display = ["pk", "kind", "reason", "application", "organisation", "drawn_at", "drawn_by"]
    list_filter = ["kind", "reason"]
    search_fields = ["application__number", "organisation__name", "seed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
