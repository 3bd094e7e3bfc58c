"""python manage.py import_customers FILE --org SLUG [--sheet NAME] [--mapping MAPPING.json]
[--skip-invalid] [--json] [--orders [--period last-12-months|2024|all]]
[--repeated latest|sum|last|PERIOD] [--merge-names] [--currency CODE] [--scale FIELD=FACTOR]"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from icp_site.models import Organization
from portfolio.imports.limits import workbook_limits
from portfolio.imports.mapping import (
    FIELDS_BY_NAME,
    MONEY_FIELDS,
    looks_order_level,
    suggest_mapping,
)
from portfolio.imports.money_units import MixedCurrencies
from portfolio.imports.orders import PERIOD_RX
from portfolio.imports.pipeline import ImportRejected, dataset_import, error_json
from portfolio.imports.reading import ImportFileError, read_table
from portfolio.imports.repeats import POLICIES, Repeats
from portfolio.parsing.periods import parse_periods

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
        parser.add_argument(
            "--repeated",
            default="latest",
            help="a customer in several rows (one per year, say): latest (the latest period), "
            "sum (money added up), last (the last row) or one period to keep, e.g. 2023",
        )
        parser.add_argument(
            "--merge-names",
            action="store_true",
            help="without a customer ID column: rows with the same name are one customer",
        )
        parser.add_argument(
            "--currency", help="the currency of every money column (default: as detected)"
        )
        parser.add_argument(
            "--scale",
            action="append",
            default=[],
            metavar="FIELD=FACTOR",
            help="a money column written in thousands, millions...: revenue=1000000",
        )

    def handle(self, *args, **options):
        self.as_json = options["json"]
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            self._fail(f"There is no organisation with the slug “{options['org']}”.")
        if not PERIOD_RX.match(options["period"]):
            self._fail("--period must be all, last-12-months or a year such as 2024.")
        scales = self._scales(options["scale"])
        raw = self._read(Path(options["file"]), options["sheet"])
        mapping = self._mapping(raw, options["mapping"])
        order_level = options["orders"]
        repeats = Repeats(options["repeated"], merge_names=options["merge_names"])
        self._check_period(raw, mapping, repeats, order_level)
        self.warnings = self._warnings(raw, mapping, order_level, repeats)
        if not self.as_json:
            for warning in self.warnings:
                self.stderr.write(warning)
        currency = (options["currency"] or "").upper() or None
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
                scales=scales,
                currencies=dict.fromkeys(MONEY_FIELDS, currency),
                repeats=repeats,
                progress=self._progress_bar(),
            )
        except ImportRejected as rejected:
            self._finish_progress()
            self._rejected(rejected.checked)
        except MixedCurrencies as mixed:
            self._finish_progress()
            self._fail(f"{mixed.message()} (--currency sets one for all.)")
        except ValueError as error:
            self._finish_progress()
            self._fail(f"The mapping does not fit the file: {error}.")
        self._finish_progress()
        if self.as_json:
            self.stdout.write(json.dumps(self._result_json(result), ensure_ascii=False))
            return
        for error in result.checked.errors:
            self.stderr.write(f"skipped: {error.message()}")
        dataset = result.dataset
        rows = dataset.summary["rows"]
        self.stdout.write(
            f"Imported {rows['customers']:,} customers from {result.imported:,} rows into dataset "
            f"{dataset.pk} (“{dataset.name}”); skipped {result.skipped:,} rows. "
            f"Revenue {result.totals['revenue']:,} {dataset.currency}, "
            f"seats {result.totals['seats']:,}."
        )

    def _result_json(self, result) -> dict:
        dataset = result.dataset
        units = dataset.summary["units"]["columns"]
        return {
            "dataset": dataset.pk,
            "imported": result.imported,
            "skipped": result.skipped,
            "errors": [self._error(error) for error in result.checked.errors],
            "totals": {
                "revenue": str(result.totals["revenue"]),
                "seats": result.totals["seats"],
            },
            "currency": dataset.currency,
            "scale": {name: 10 ** unit["scale"] for name, unit in units.items()},
            "rows": dataset.summary["rows"],
            "columns": dataset.summary["columns"],
            "warnings": self.warnings,
        }

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
                path,
                path.name,
                sheet=sheet,
                max_rows=settings.IMPORT_MAX_ROWS,
                limits=workbook_limits(),
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

    def _scales(self, given: list[str]) -> dict[str, int]:
        scales = {}
        for item in given:
            name, _, factor = item.partition("=")
            exponent = len(factor) - 1 if factor.startswith("1") else -1
            if name not in MONEY_FIELDS or factor != "1" + "0" * exponent:
                self._fail(
                    f"--scale {item}: give a money field ({', '.join(MONEY_FIELDS)}) and a "
                    "power of ten, e.g. revenue=1000000."
                )
            scales[name] = exponent
        return scales

    def _check_period(self, raw, mapping, repeats: Repeats, order_level: bool) -> None:
        if repeats.policy in POLICIES or order_level:
            return
        column = mapping.get("period")
        if not column:
            self._fail(
                f"--repeated {repeats.policy}: the file has no period column (year, fiscal year "
                "or date); map one with --mapping, or use latest, sum or last."
            )
        labels = set(parse_periods(raw.frame[column])[0].dropna())
        if repeats.policy not in labels:
            found = ", ".join(sorted(labels)[:20])
            self._fail(f"No row has the period “{repeats.policy}”; the file has: {found}.")

    def _warnings(self, raw, mapping, order_level: bool, repeats: Repeats) -> list[str]:
        warnings = []
        if not order_level and not mapping.get("period") and looks_order_level(raw.frame, mapping):
            warnings.append(
                "Customer names or IDs repeat: if this is one row per order, use --orders."
            )
        name = mapping.get("name")
        if not order_level and name and not mapping.get("external_id") and not repeats.merge_names:
            repeated = int(raw.frame[name].dropna().str.strip().str.casefold().duplicated().sum())
            if repeated:
                warnings.append(
                    f"{repeated:,} rows repeat the name of an earlier row and there is no "
                    "customer ID: each becomes a customer of its own. Use --merge-names to "
                    "merge rows with the same name."
                )
        return warnings

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
                        "currency": checked.units.currency,
                        "rows": checked.rows(),
                        "warnings": self.warnings,
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
