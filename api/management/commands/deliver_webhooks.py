from django.core.management.base import BaseCommand

from api import webhooks


class Command(BaseCommand):
    help = "Turn new status changes into webhook deliveries now and send every delivery that is due."

    def handle(self, *args, **options):
        created = webhooks.outbox_run()
        sent = webhooks.send_due()
        self.stdout.write(f"{created} new deliveries, {sent} attempts queued.")
