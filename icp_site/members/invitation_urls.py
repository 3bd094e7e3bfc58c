from django.urls import path

from icp_site.members import invitation_views as views

urlpatterns = [
    path("<str:secret>/", views.invitation, name="invitation"),
    path("<str:secret>/accept/", views.invitation_accept, name="invitation_accept"),
    path("<str:secret>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<str:secret>/account/", views.invitation_account, name="invitation_account"),
]
