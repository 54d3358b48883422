"""The flows moved into workflow/flows/: rewrite the flow and node references viewflow stores."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

MOVED = [
    ("workflow/flows.FilingFlow", "workflow/flows.filing.FilingFlow"),
    ("workflow/batch_flow.ResultBatchFlow", "workflow/flows.certificates.ResultBatchFlow"),
    ("workflow/supervision_flow.SupervisionFlow", "workflow/flows.supervision.SupervisionFlow"),
]


def _rewrite(apps, pairs):
    Process = apps.get_model("viewflow", "Process")
    Task = apps.get_model("viewflow", "Task")
    for old, new in pairs:
        # Exact class references and node references ("<class>.<node>") only: a prefix match with the dot.
        Process.objects.filter(flow_class=old).update(flow_class=new)
        Task.objects.filter(flow_task__startswith=f"{old}.").update(
            flow_task=Replace("flow_task", Value(f"{old}."), Value(f"{new}."))
        )


def forwards(apps, schema_editor):
    _rewrite(apps, MOVED)


def backwards(apps, schema_editor):
    _rewrite(apps, [(new, old) for old, new in MOVED])


class Migration(migrations.Migration):
    dependencies = [("workflow", "0006_job_failure_permissions"), ("viewflow", "0015_task_scheduled")]
    operations = [migrations.RunPython(forwards, backwards)]
