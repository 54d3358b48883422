from django.db import migrations

from workflow.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_default_step_limits")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
