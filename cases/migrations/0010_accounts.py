"""Sign-in security: what the accounts keep (password history)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_checklist_rubric_v1")]
    operations = []
