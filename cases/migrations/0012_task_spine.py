"""The task spine: what every flow shares."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_documents")]
    operations = []
