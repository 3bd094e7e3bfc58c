"""python manage.py import_customers FILE --org SLUG [--sheet NAME] [--mapping MAPPING.json]
[--skip-invalid] [--json] [--orders [--period last-12-months|2024|all]]"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icp_site.models import Organization
from portfolio.imports.mapping import FIELDS_BY_NAME, looks_order_level, suggest_mapping
from portfolio.imports.orders import PERIOD_RX
from portfolio.imports.pipeline import ImportRejected, dataset_import, error_json
from portfolio.imports.reading import ImportFileError, read_table

EXIT_INVALID_ROWS = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Import a customer list (CSV, XLSX or ODS) into a new dataset of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV, XLSX or ODS file")
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--sheet", help="the workbook sheet to read (default: the first)")
        parser.add_argument(
            "--mapping", help='JSON file mapping field names to headers: {"name": "Firma"}'
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, skip the others"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--orders", action="store_true", help="one row per order: add up per customer"
        )
        parser.add_argument(
            "--period", default="all", help="with --orders: all, last-12-months or a year"
        )

    def handle(self, *args, **options):
        self.as_json = options["json"]
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            self._fail(f"There is no organisation with the slug “{options['org']}”.")
        if not PERIOD_RX.match(options["period"]):
            self._fail("--period must be all, last-12-months or a year such as 2024.")
        raw = self._read(Path(options["file"]), options["sheet"])
        mapping = self._mapping(raw, options["mapping"])
        order_level = options["orders"]
        if not order_level and looks_order_level(raw.frame, mapping) and not self.as_json:
            self.stderr.write(
                "Customer names or IDs repeat: if this is one row per order, use --orders."
            )
        try:
            result = dataset_import(
                organization=organization,
                user=None,
                raw=raw,
                file_name=Path(options["file"]).name,
                mapping=mapping,
                skip_invalid=options["skip_invalid"],
                order_level=order_level,
                period=options["period"],
                progress=self._progress_bar(),
            )
        except ImportRejected as rejected:
            self._finish_progress()
            self._rejected(rejected.checked)
        except ValueError as error:
            self._finish_progress()
            self._fail(f"The mapping does not fit the file: {error}.")
        self._finish_progress()
        errors = [self._error(error) for error in result.checked.errors]
        if self.as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "dataset": result.dataset.pk,
                        "imported": result.imported,
                        "skipped": result.skipped,
                        "errors": errors,
                        "totals": {
                            "revenue": str(result.totals["revenue"]),
                            "seats": result.totals["seats"],
                        },
                    },
                    ensure_ascii=False,
                )
            )
            return
        for error in result.checked.errors:
            self.stderr.write(f"skipped: {error.message()}")
        self.stdout.write(
            f"Imported {result.imported:,} customers into dataset {result.dataset.pk} "
            f"(“{result.dataset.name}”); skipped {result.skipped:,} rows. "
            f"Revenue {result.totals['revenue']:,}, seats {result.totals['seats']:,}."
        )

    def _read(self, path: Path, sheet: str | None):
        if not path.is_file():
            self._fail(f"There is no file at {path}.")
        size = path.stat().st_size
        if size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES / (1024 * 1024)
            self._fail(
                f"The file is {size / (1024 * 1024):.1f} MB, larger than the limit of "
                f"{limit:.1f} MB; an administrator can raise it with the IMPORT_MAX_BYTES setting."
            )
        try:
            return read_table(
                path.read_bytes(), path.name, sheet=sheet, max_rows=settings.IMPORT_MAX_ROWS
            )
        except ImportFileError as error:
            self._fail(error.message)

    def _mapping(self, raw, mapping_file: str | None) -> dict:
        if not mapping_file:
            return suggest_mapping(list(raw.columns))
        try:
            given = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._fail(f"The mapping file {mapping_file} is not readable JSON.")
        if not isinstance(given, dict):
            self._fail('The mapping file must hold one object such as {"name": "Company"}.')
        unknown = sorted(set(given) - set(FIELDS_BY_NAME))
        if unknown:
            self._fail(f"The mapping file names unknown fields: {', '.join(unknown)}.")
        missing = sorted(str(h) for h in given.values() if h and h not in raw.columns)
        if missing:
            self._fail(f"The file has no column named {', '.join(missing)}.")
        return {name: given.get(name) or None for name in FIELDS_BY_NAME}

    def _rejected(self, checked) -> None:
        errors = [self._error(error) for error in checked.errors]
        if self.as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "dataset": None,
                        "imported": 0,
                        "skipped": 0,
                        "errors": errors,
                        "totals": {"revenue": "0", "seats": 0},
                    },
                    ensure_ascii=False,
                )
            )
        else:
            for error in checked.errors:
                self.stderr.write(error.message())
            if checked.error_count > len(checked.errors):
                self.stderr.write(f"… and {checked.error_count - len(checked.errors):,} more.")
            self.stderr.write(
                f"{checked.invalid_count:,} of {checked.row_count:,} rows have problems; "
                "nothing was stored. Fix the file, or use --skip-invalid to import the "
                f"{checked.valid_count:,} valid rows."
            )
        sys.exit(EXIT_INVALID_ROWS)

    @staticmethod
    def _error(error) -> dict:
        item = error_json(error)
        return {key: item[key] for key in ("row", "column", "value", "reason")}

    def _fail(self, sentence: str):
        raise CommandError(sentence, returncode=EXIT_UNREADABLE)

    def _progress_bar(self):
        self._bar_shown = False
        if self.as_json or not sys.stderr.isatty():
            return None
        labels = {"checking": "checking", "storing": "storing "}

        def show(phase, done, total):
            width = 30
            filled = width * done // total if total else 0
            bar = "#" * filled + "-" * (width - filled)
            label = labels.get(str(phase), str(phase))
            sys.stderr.write(f"\r{label} [{bar}] {done:,}/{total:,} rows")
            sys.stderr.flush()
            self._bar_shown = True

        return show

    def _finish_progress(self):
        if getattr(self, "_bar_shown", False):
            sys.stderr.write("\n")
            self._bar_shown = False
