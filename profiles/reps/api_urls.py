from django.urls import path

from profiles.reps import api

urlpatterns = [
    path("profile/current", api.profile_current, name="api_profile_current"),
    path(
        "profile/current/customers",
        api.profile_current_customers,
        name="api_profile_current_customers",
    ),
    path("profile/versions/<int:number>", api.profile_version, name="api_profile_version"),
    path("fit-check", api.fit_check, name="api_fit_check"),
]
