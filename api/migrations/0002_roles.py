"""Grant the administrator role the API's permissions (workflow.roles.ROLE_PERMISSIONS)."""

from django.db import migrations

from workflow.roles import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("workflow", "0001_roles")]
    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
