"""Indexes of the to-do lists' filters: the archive, the queue and the overdue list filtered by kind, step or
district each read an index made for the filter in the list's order (workflow.models.WorkItem.Meta.indexes)."""

from django.db import migrations, models

ARCHIVE = models.Q(("is_open", False))
QUEUED = models.Q(("for_body", False), ("is_open", True), ("owner__isnull", True))
OVERDUE = models.Q(("for_body", False), ("is_open", True))


def _indexes(name, lead, order, condition):
    return [
        migrations.AddIndex(
            model_name="workitem",
            index=models.Index(condition=condition, fields=[*lead, column, *order], name=f"work_{name}_{column}_idx"),
        )
        for column in ("kind", "step", "district")
    ]


class Migration(migrations.Migration):
    dependencies = [("workflow", "0010_selection")]

    operations = [
        *_indexes("archive", ["finished_by"], ["-finished_at", "-id"], ARCHIVE),
        *_indexes("queue", ["permission"], ["due_on", "id"], QUEUED),
        *_indexes("overdue", [], ["due_on", "id"], OVERDUE),
    ]
