from django.urls import path

from profiles.versions import views

urlpatterns = [
    path("versions/", views.profile_versions, name="profile_versions"),
    path("versions/diff/", views.profile_version_diff, name="profile_version_diff"),
    path("versions/<int:number>/", views.profile_version, name="profile_version"),
    path(
        "versions/<int:number>/publish/",
        views.profile_version_publish,
        name="profile_version_publish",
    ),
    path(
        "versions/<int:number>/restore/",
        views.profile_version_restore,
        name="profile_version_restore",
    ),
]
