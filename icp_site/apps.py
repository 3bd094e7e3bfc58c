from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IcpSiteConfig(AppConfig):
    name = "icp_site"
    verbose_name = _("ICP Workshop")
