from django.contrib.auth import views as auth_views
from django.urls import include, path

from icp_site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("no-organisation/", views.no_organization, name="no_organization"),
    path("members/", views.members, name="members"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("organisation/", views.organization_settings, name="organization_settings"),
    path("organisation/switch/", views.organization_switch, name="organization_switch"),
    path("language/", views.set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("customers/", include("portfolio.urls")),
    path("analysis/", include("portfolio.analysis_urls")),
    path("workshops/", include("profiles.urls")),
    path("reviews/", include("profiles.review_urls")),
    path("profile/", include("profiles.rep_urls")),
    path("api/", include("profiles.api_urls")),
    path("account/tokens/", include("icp_site.token_urls")),
]
