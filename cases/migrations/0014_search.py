"""Search indexes of the registry."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_selection")]
    operations = []
