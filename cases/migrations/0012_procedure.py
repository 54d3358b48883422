"""The procedure as the rules say it: public notices and objections, actual inspection dates, the supplement loop."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_documents")]
    operations = []
