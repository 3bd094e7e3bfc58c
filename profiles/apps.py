from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Workshops and profiles")

    def ready(self):
        from profiles.reviews import receivers  # noqa: F401  (connects the reviews to publishing)
        from profiles.segments import receivers as segments  # noqa: F401  (stores segments)
