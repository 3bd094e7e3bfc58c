from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Workshops and profiles")

    def ready(self):
        from icp_site.members.landing import register_activity
        from portfolio.reports.pages import register_size_defaults
        from profiles.models import ProfileVersion, Workshop
        from profiles.reps import announce  # noqa: F401  (e-mails the reps of a new profile)
        from profiles.reviews import receivers  # noqa: F401  (connects the reviews to publishing)
        from profiles.segments import receivers as segments  # noqa: F401  (stores segments)
        from profiles.workshop.results import size_groups_of_list

        # Signing in lands in the organisation whose workshop or profile changed last.
        register_activity(lambda ids: Workshop.objects.latest_per_organization(ids, "updated_at"))
        register_activity(
            lambda ids: ProfileVersion.objects.latest_per_organization(ids, "created_at")
        )
        # The analysis pages of a customer list start from the size groups its workshop set.
        register_size_defaults(size_groups_of_list)
