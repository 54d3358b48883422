from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.common.reference import occupations_import_csv


class Command(BaseCommand):
    help = "Import the occupation catalogue from a CSV file (columns: code,name,trade,levels)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(_("File not found: %(file)s") % {"file": file}) from None
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 encoded text.")) from None
        result = occupations_import_csv(text=text)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(_("Nothing imported: %(count)d error(s) in the file.") % {"count": len(result.errors)})
        self.stdout.write(
            _("Imported occupations: %(created)d new, %(updated)d updated.")
            % {"created": result.created, "updated": result.updated}
        )
