from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Customers")

    def ready(self):
        from icp_site.members.landing import register_activity
        from portfolio.frames import receivers  # noqa: F401  (snapshots go with their dataset)
        from portfolio.models import Dataset

        # Signing in lands in the organisation with the latest import (among other activity).
        register_activity(lambda ids: Dataset.objects.latest_per_organization(ids, "created_at"))
