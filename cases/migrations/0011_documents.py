"""Issued documents: numbers per type and year, signatures."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_accounts")]
    operations = []
