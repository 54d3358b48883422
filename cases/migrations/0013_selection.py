"""Public selection of social training evaluation organisations (遴选)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_procedure")]
    operations = []
