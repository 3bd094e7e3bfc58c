from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Workshops and profiles")

    def ready(self):
        from icp_site.members.landing import register_activity
        from profiles.models import ProfileVersion, Workshop
        from profiles.reviews import receivers  # noqa: F401  (connects the reviews to publishing)
        from profiles.segments import receivers as segments  # noqa: F401  (stores segments)

        # Signing in lands in the organisation whose workshop or profile changed last.
        register_activity(lambda ids: Workshop.objects.latest_per_organization(ids, "updated_at"))
        register_activity(
            lambda ids: ProfileVersion.objects.latest_per_organization(ids, "created_at")
        )
