from django.urls import path

from icp_site.members import views

urlpatterns = [
    path("no-organisation/", views.no_organization, name="no_organization"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.member_invite, name="member_invite"),
    path("members/<int:pk>/unlock/", views.member_unlock, name="member_unlock"),
    path("members/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("members/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("organisation/", views.organization_settings, name="organization_settings"),
    path("organisation/switch/", views.organization_switch, name="organization_switch"),
    path("language/", views.set_language, name="set_language"),
]
