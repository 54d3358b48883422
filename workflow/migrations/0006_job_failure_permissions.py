from django.db import migrations

from workflow.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("workflow", "0005_deadlines_notifications_jobs")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
