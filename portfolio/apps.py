from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Customers")

    def ready(self):
        from portfolio.frames import receivers  # noqa: F401  (snapshots go with their dataset)
