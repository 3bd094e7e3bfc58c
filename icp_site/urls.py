"""Root URLs: sign-in and the shell's pages, then each app's own URL module."""

from django.urls import include, path

from icp_site.accounts import signin

urlpatterns = [
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", signin.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/", include("icp_site.members.invitation_urls")),
    path("", include("icp_site.members.urls")),
    path("account/tokens/", include("icp_site.tokens.urls")),
    path("", include("portfolio.urls")),
    path("", include("profiles.urls")),
]
