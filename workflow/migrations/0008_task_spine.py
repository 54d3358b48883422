"""The task spine: one to-do row per open piece of work, and the step limits of the new steps."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models



# Frozen copy of the limits this migration adds to workflow.models.DEFAULT_STEP_LIMITS.
NEW_STEP_LIMITS = {
    "seat_answer": 2,
    "supervision_plan": 10,
    "supervision_inspection": 10,
    "supervision_decision": 5,
    "supervision_verify": 5,
    "supervision_sanction": 10,
}


def seed_step_limits(apps, schema_editor):
    StepLimit = apps.get_model("workflow", "StepLimit")
    for code, working_days in NEW_STEP_LIMITS.items():
        StepLimit.objects.get_or_create(code=code, defaults={"working_days": working_days})


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0002_beijing_districts"),
        ("viewflow", "0015_task_scheduled"),
        ("workflow", "0007_flow_modules"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(seed_step_limits, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('task_assigned', 'A task is assigned to you'), ('task_reassigned', 'A task of yours is reassigned'), ('application_returned', 'An application is returned for supplement'), ('application_accepted', 'An application is accepted'), ('application_decided', 'An application is decided'), ('rectification_ordered', 'Rectification is ordered'), ('deadline_approaching', 'A deadline is approaching'), ('deadline_overdue', 'A deadline has passed'), ('task_escalated', 'An overdue task is escalated to you'), ('seat_drawn', 'You are drawn for an inspection team or expert panel'), ('seat_declined', 'A drawn person declines a seat'), ('team_assigned', 'You are on a supervision inspection team'), ('batch_decided', 'A result batch is registered, returned or rejected'), ('supervision_opened', 'A supervision case is opened about your body')], max_length=30, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='steplimit',
            name='code',
            field=models.CharField(choices=[('review', 'Completeness review'), ('supplement', 'Supplement response'), ('inspection', 'Site inspection'), ('assessment', 'Expert assessment'), ('decision', 'Decision'), ('notice', 'Public notice'), ('batch_review', 'Result-batch review'), ('batch_fix', 'Result-batch fix'), ('seat_answer', 'Seat confirmation'), ('supervision_plan', 'Supervision: planning the inspection'), ('supervision_inspection', 'Supervision: the inspection'), ('supervision_decision', 'Supervision: decision on the findings'), ('supervision_verify', 'Supervision: verifying the rectification'), ('supervision_sanction', 'Supervision: sanction decision')], max_length=30, unique=True, verbose_name='step'),
        ),
        migrations.CreateModel(
            name='WorkItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text='"task:<id>" or "seat:<id>"', max_length=40, unique=True, verbose_name='key')),
                ('kind', models.CharField(choices=[('filing', 'Filing'), ('supervision', 'Supervision'), ('batch', 'Certificate batch'), ('seat', 'Seat confirmation')], max_length=20, verbose_name='kind')),
                ('step', models.CharField(max_length=50, verbose_name='step')),
                ('subject', models.CharField(max_length=60, verbose_name='case number')),
                ('subject_url', models.CharField(blank=True, max_length=300, verbose_name='case page')),
                ('url', models.CharField(max_length=300, verbose_name='where the work is done')),
                ('permission', models.CharField(blank=True, max_length=100, verbose_name='permission of the queue')),
                ('for_body', models.BooleanField(default=False, verbose_name="for the organisation's members")),
                ('is_open', models.BooleanField(default=True, verbose_name='open')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('due_on', models.DateField(verbose_name='due on')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('district', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.district', verbose_name='district')),
                ('finished_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='finished by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.organisation', verbose_name='organisation')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='held by')),
                ('task', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='work', to='viewflow.task', verbose_name='task')),
            ],
            options={
                'verbose_name': 'to-do item',
                'verbose_name_plural': 'to-do items',
                'indexes': [models.Index(condition=models.Q(('is_open', True)), fields=['owner', 'due_on', 'id'], name='work_inbox_idx'), models.Index(condition=models.Q(('for_body', False), ('is_open', True), ('owner__isnull', True)), fields=['permission', 'due_on', 'id'], name='work_queue_idx'), models.Index(condition=models.Q(('for_body', True), ('is_open', True)), fields=['organisation', 'due_on', 'id'], name='work_body_idx'), models.Index(condition=models.Q(('is_open', True)), fields=['due_on', 'id'], name='work_open_idx'), models.Index(condition=models.Q(('is_open', False)), fields=['finished_by', '-finished_at', '-id'], name='work_archive_idx')],
            },
        ),
    ]
