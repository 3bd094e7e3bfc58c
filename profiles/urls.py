"""The profiles' pages: home, the workshop and its meeting, profile versions, reviews, the
reps' pages, the API."""

from django.urls import include, path

from profiles import home

urlpatterns = [
    path("", home.home, name="home"),
    path("workshops/profile/", include("profiles.versions.urls")),
    path("workshops/", include("profiles.workshop.urls")),
    path("workshops/", include("profiles.meeting.urls")),
    path("reviews/", include("profiles.reviews.urls")),
    path("profile/", include("profiles.reps.urls")),
    path("api/", include("profiles.reps.api_urls")),
]
