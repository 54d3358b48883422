"""The task spine: one to-do row per open piece of work."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("workflow", "0007_flow_modules")]
    operations = []
