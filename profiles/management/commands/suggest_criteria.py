"""python manage.py suggest_criteria --org SLUG [--workshop ID]
[--dataset ID --goal revenue|margin|seats|sales_cycle_days|lifetime_days --best-share 0.2] [--json]

Criteria suggested from the data, as step 6's panel shows them. With --workshop: its best
customers (step 3) and its table corrections. Without: the best customers are the top
--best-share of the active customers by --goal, on --dataset (default: the newest ready list).
With --json the last line is one JSON object:
{"do_or_die": [{"criteria", "best_caught", "best_total", "size", "precision", "lift",
"revenue_share"}], "do_not": [{"criteria", "caught", "of", "size", "precision", "lift",
"good_excluded"}], "seconds"}; precision and revenue_share are percentages.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from icp_site.models import Organization
from portfolio.analysis import GOALS
from portfolio.models import Dataset, DatasetStatus
from profiles.models import Workshop
from profiles.workshop.draft import suggestions


class Command(BaseCommand):
    help = "Suggest do-or-die and do-not criteria from an organisation's customer data."

    def add_arguments(self, parser):
        goals = sorted({*GOALS, *suggestions.GOAL_COLUMNS})
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--workshop", type=int, help="a workshop's id: its best customers")
        parser.add_argument("--dataset", type=int, help="a customer list's id (no --workshop)")
        parser.add_argument(
            "--goal", default="revenue", choices=goals, help="what ranks the best customers"
        )
        parser.add_argument(
            "--best-share", type=float, default=0.2, help="the share of best customers (0-1)"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"There is no organisation “{options['org']}”.")
        if options["workshop"] is not None:
            workshop = Workshop.objects.for_organization(organization).filter(
                pk=options["workshop"]
            )
            workshop = workshop.select_related("dataset").first()
            if workshop is None:
                raise CommandError(f"The organisation has no workshop {options['workshop']}.")
            found = suggestions.for_workshop(workshop)
            if found is None:
                raise CommandError("The workshop has no customer list or no best customers yet.")
        else:
            if not 0 < options["best_share"] < 1:
                raise CommandError("--best-share is a share between 0 and 1, such as 0.2.")
            found = suggestions.for_dataset(
                self._dataset(organization, options["dataset"]),
                goal=options["goal"],
                best_share=options["best_share"],
                today=timezone.localdate(),
            )
        if options["json"]:
            self.stdout.write(json.dumps(suggestions.as_json(found), ensure_ascii=False))
            return
        self._print(found)

    @staticmethod
    def _dataset(organization, pk) -> Dataset:
        datasets = Dataset.objects.for_organization(organization).filter(status=DatasetStatus.READY)
        dataset = (
            datasets.filter(pk=pk).first()
            if pk is not None
            else datasets.order_by("-created_at", "-pk").first()
        )
        if dataset is None:
            raise CommandError("The organisation has no such ready customer list.")
        return dataset

    def _print(self, found) -> None:
        answer = suggestions.as_json(found)
        self.stdout.write(
            f"{found.best_total} best of {found.customers:,} active customers; "
            f"{found.not_to_chase:,} not to chase."
        )
        for title, rows in (("Do-or-die", answer["do_or_die"]), ("Do-not", answer["do_not"])):
            self.stdout.write(f"{title}:" if rows else f"{title}: nothing stands out.")
            for row in rows:
                text = " and ".join(
                    f"{c['attribute']} {c['operator']} {c['value']}" for c in row["criteria"]
                )
                caught = row.get("best_caught", row.get("caught"))
                total = row.get("best_total", row.get("of"))
                self.stdout.write(
                    f"  {text}: {caught} of {total}, {row['size']:,} selected, "
                    f"precision {row['precision']} %, lift {row['lift']}"
                )
        self.stdout.write(f"{answer['seconds']} s")
