"""The procedure as the rules say it: public notices and objections, actual inspection dates, the supplement loop,
draws for supervision cases (one draw history across the flows)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def deficiencies_of_finished_rounds_resolved(apps, schema_editor):
    """Deficiencies recorded before answers existed: the rounds already resubmitted count as supplemented."""
    Deficiency = apps.get_model("cases", "Deficiency")
    Deficiency.objects.exclude(application__state="returned").update(status="resolved")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_documents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SupplementRound",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("round", models.PositiveSmallIntegerField(verbose_name="round")),
                ("returned_at", models.DateTimeField(auto_now_add=True, verbose_name="returned at")),
                ("snapshot", models.JSONField(default=dict, verbose_name="the application when returned")),
                ("resubmitted_at", models.DateTimeField(blank=True, null=True, verbose_name="resubmitted at")),
            ],
            options={
                "verbose_name": "supplement round",
                "verbose_name_plural": "supplement rounds",
                "ordering": ["round"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="draw",
            name="draw_for_inspection_or_panel",
        ),
        migrations.AddField(
            model_name="deficiency",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="answered at"),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="answered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="attachment_kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("self_evaluation", "Self-evaluation plan"),
                    ("management_rules", "Management rules"),
                    ("business_licence", "Business licence"),
                    ("commitment", "Commitment letter"),
                    ("other", "Other"),
                ],
                max_length=30,
                verbose_name="document asked for",
            ),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="item",
            field=models.CharField(blank=True, max_length=40, verbose_name="checklist item"),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="reply",
            field=models.TextField(blank=True, verbose_name="answer"),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="reply_attachment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="cases.attachment",
                verbose_name="attachment of the answer",
            ),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="checked at"),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="resolved_round",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="checked in review round"),
        ),
        migrations.AddField(
            model_name="deficiency",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Not answered yet"),
                    ("answered", "Answered, to be checked"),
                    ("resolved", "Supplemented"),
                    ("raised_again", "Not resolved, raised again"),
                ],
                default="open",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="draw",
            name="supervision_case",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="draws",
                to="cases.supervisioncase",
            ),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="contact",
            field=models.CharField(blank=True, max_length=100, verbose_name="contact"),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="evidence",
            field=models.FileField(blank=True, upload_to="objections/%Y/%m/", verbose_name="evidence"),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="evidence_content_type",
            field=models.CharField(blank=True, max_length=50, verbose_name="evidence content type"),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="evidence_name",
            field=models.CharField(blank=True, max_length=200, verbose_name="evidence file name"),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="evidence_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="evidence SHA-256"),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="noticeobjection",
            name="source",
            field=models.CharField(
                choices=[("recorded", "Recorded by the bureau"), ("online", "Submitted online")],
                default="recorded",
                max_length=10,
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="siteinspection",
            name="actual_date",
            field=models.DateField(blank=True, null=True, verbose_name="actual inspection date"),
        ),
        migrations.AddField(
            model_name="siteinspection",
            name="actual_date_reason",
            field=models.TextField(blank=True, verbose_name="why the inspection took place on another day"),
        ),
        migrations.AddField(
            model_name="siteinspection",
            name="actual_date_recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="supervisioncase",
            name="actual_date_reason",
            field=models.TextField(blank=True, verbose_name="why the inspection took place on another day"),
        ),
        migrations.AddField(
            model_name="supervisioncase",
            name="actual_inspection_date",
            field=models.DateField(blank=True, null=True, verbose_name="actual inspection date"),
        ),
        migrations.AlterField(
            model_name="draw",
            name="application",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="draws",
                to="cases.filingapplication",
            ),
        ),
        migrations.AlterField(
            model_name="noticeobjection",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="draw",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("application__isnull", False),
                        ("inspection__isnull", False),
                        ("panel__isnull", True),
                        ("supervision_case__isnull", True),
                    ),
                    models.Q(
                        ("application__isnull", False),
                        ("inspection__isnull", True),
                        ("panel__isnull", False),
                        ("supervision_case__isnull", True),
                    ),
                    models.Q(
                        ("application__isnull", True),
                        ("inspection__isnull", True),
                        ("panel__isnull", True),
                        ("supervision_case__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="draw_for_one_target",
            ),
        ),
        migrations.AddField(
            model_name="supplementround",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="supplement_rounds",
                to="cases.filingapplication",
            ),
        ),
        migrations.AddField(
            model_name="supplementround",
            name="returned_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="returned by",
            ),
        ),
        migrations.AddConstraint(
            model_name="supplementround",
            constraint=models.UniqueConstraint(fields=("application", "round"), name="supplement_round_once"),
        ),
        migrations.RunPython(deficiencies_of_finished_rounds_resolved, migrations.RunPython.noop),
    ]
