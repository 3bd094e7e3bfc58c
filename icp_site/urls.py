"""Root URLs: sign-in and the shell's pages, then each app's own URL module."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("icp_site.members.urls")),
    path("account/tokens/", include("icp_site.tokens.urls")),
    path("", include("portfolio.urls")),
    path("", include("profiles.urls")),
]
