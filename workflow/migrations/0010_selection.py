"""Public selection: its kind of to-do row, its step limits (seeded below) and its notifications."""

from django.db import migrations, models

# Frozen copy of the limits this migration adds to workflow.models.DEFAULT_STEP_LIMITS.
NEW_STEP_LIMITS = {
    "selection_eligibility": 5,
    "selection_panel": 5,
    "selection_scoring": 10,
    "selection_confirmation": 5,
    "selection_conclusion": 5,
}


def seed_step_limits(apps, schema_editor):
    StepLimit = apps.get_model("workflow", "StepLimit")
    for code, working_days in NEW_STEP_LIMITS.items():
        StepLimit.objects.get_or_create(code=code, defaults={"working_days": working_days})


class Migration(migrations.Migration):
    dependencies = [("workflow", "0009_scale")]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("task_assigned", "A task is assigned to you"),
                    ("task_reassigned", "A task of yours is reassigned"),
                    ("application_returned", "An application is returned for supplement"),
                    ("application_accepted", "An application is accepted"),
                    ("application_decided", "An application is decided"),
                    ("rectification_ordered", "Rectification is ordered"),
                    ("deadline_approaching", "A deadline is approaching"),
                    ("deadline_overdue", "A deadline has passed"),
                    ("task_escalated", "An overdue task is escalated to you"),
                    ("seat_drawn", "You are drawn for an inspection team or expert panel"),
                    ("seat_declined", "A drawn person declines a seat"),
                    ("team_assigned", "You are on a supervision inspection team"),
                    ("batch_decided", "A result batch is registered, returned or rejected"),
                    ("supervision_opened", "A supervision case is opened about your body"),
                    ("selection_published", "A public selection list is published"),
                    ("selection_decided", "A public selection application is decided"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="steplimit",
            name="code",
            field=models.CharField(
                choices=[
                    ("review", "Completeness review"),
                    ("supplement", "Supplement response"),
                    ("inspection", "Site inspection"),
                    ("assessment", "Expert assessment"),
                    ("decision", "Decision"),
                    ("notice", "Public notice"),
                    ("batch_review", "Result-batch review"),
                    ("batch_fix", "Result-batch fix"),
                    ("seat_answer", "Seat confirmation"),
                    ("supervision_plan", "Supervision: planning the inspection"),
                    ("supervision_inspection", "Supervision: the inspection"),
                    ("supervision_decision", "Supervision: decision on the findings"),
                    ("supervision_verify", "Supervision: verifying the rectification"),
                    ("supervision_sanction", "Supervision: sanction decision"),
                    ("selection_eligibility", "Selection: eligibility check"),
                    ("selection_panel", "Selection: drawing the panel"),
                    ("selection_scoring", "Selection: expert scoring"),
                    ("selection_confirmation", "Selection: confirming the list"),
                    ("selection_conclusion", "Selection: concluding after the publication"),
                ],
                max_length=30,
                unique=True,
                verbose_name="step",
            ),
        ),
        migrations.AlterField(
            model_name="workitem",
            name="kind",
            field=models.CharField(
                choices=[
                    ("filing", "Filing"),
                    ("supervision", "Supervision"),
                    ("batch", "Certificate batch"),
                    ("seat", "Seat confirmation"),
                    ("selection", "Public selection"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(seed_step_limits, migrations.RunPython.noop),
    ]
