from django.db import migrations

# Frozen copy of workflow.models.DEFAULT_STEP_LIMITS as of this migration.
DEFAULT_STEP_LIMITS = {
    "review": 5,
    "supplement": 10,
    "inspection": 15,
    "assessment": 10,
    "decision": 5,
    "notice": 5,
    "batch_review": 5,
    "batch_fix": 5,
}


def seed_step_limits(apps, schema_editor):
    StepLimit = apps.get_model("workflow", "StepLimit")
    for code, working_days in DEFAULT_STEP_LIMITS.items():
        # Never overwrite a limit the regulator has already changed.
        StepLimit.objects.get_or_create(code=code, defaults={"working_days": working_days})


class Migration(migrations.Migration):
    dependencies = [("workflow", "0002_calendar")]
    operations = [migrations.RunPython(seed_step_limits, migrations.RunPython.noop)]
