"""Issued documents: numbers per type and year, content frozen at issue, rendering after commit."""

from django.db import migrations, models
from django.db.models import F


def documents_before_numbering_are_rendered(apps, schema_editor):
    GeneratedDocument = apps.get_model("cases", "GeneratedDocument")
    GeneratedDocument.objects.exclude(file="").filter(rendered_at__isnull=True).update(rendered_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_accounts")]
    operations = [
        migrations.AddField(
            model_name="generateddocument",
            name="html",
            field=models.TextField(blank=True, verbose_name="content awaiting rendering"),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="number",
            field=models.CharField(blank=True, max_length=80, verbose_name="document number"),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="rendered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="rendered at"),
        ),
        migrations.AlterField(
            model_name="generateddocument",
            name="file",
            field=models.FileField(blank=True, max_length=255, upload_to="documents/%Y/%m/", verbose_name="file"),
        ),
        migrations.AlterField(
            model_name="generateddocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("acceptance_notice", "Acceptance notice"),
                    ("supplement_notice", "Supplement notice"),
                    ("rejection_notice", "Rejection notice"),
                    ("inspection_report", "Site inspection report"),
                    ("assessment_report", "Expert assessment report"),
                    ("decision", "Filing decision"),
                    ("filing_certificate", "Filing certificate"),
                    ("rectification_notice", "Rectification notice"),
                    ("sanction_decision", "Sanction decision"),
                    ("skill_certificate", "Skill-level certificate"),
                    ("submission_receipt", "Submission receipt"),
                ],
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="generateddocument",
            name="sha256",
            field=models.CharField(blank=True, db_index=True, max_length=64, verbose_name="SHA-256"),
        ),
        migrations.AlterField(
            model_name="generateddocument",
            name="size",
            field=models.PositiveIntegerField(default=0, verbose_name="size in bytes"),
        ),
        migrations.AddConstraint(
            model_name="generateddocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number", ""), _negated=True),
                fields=("kind", "number"),
                name="gendoc_kind_number_unique",
            ),
        ),
        migrations.RunPython(documents_before_numbering_are_rendered, migrations.RunPython.noop),
    ]
