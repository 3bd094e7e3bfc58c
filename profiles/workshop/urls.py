from django.urls import path

from profiles.workshop import views
from profiles.workshop.draft import suggest_views
from profiles.workshop.draft import views as profile_views
from profiles.workshop.tables import views as table_views

urlpatterns = [
    path("", views.workshops, name="workshops"),
    path("new/", views.workshop_new, name="workshop_new"),
    path("<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("<int:pk>/step/<int:number>/", views.workshop_step, name="workshop_step"),
    path("<int:pk>/step/<int:number>/save/", views.workshop_step_save, name="workshop_step_save"),
    path(
        "<int:pk>/step/<int:number>/review/",
        views.workshop_step_review,
        name="workshop_step_review",
    ),
    path("<int:pk>/step/<int:number>/live/", views.workshop_live, name="workshop_live"),
    path("<int:pk>/undo/", views.workshop_undo, name="workshop_undo"),
    # Steps 4 and 5: the company and buyer tables.
    path(
        "<int:pk>/table/<str:table>/row/<int:row>/cell/<str:column>/",
        table_views.profile_cell,
        name="profile_cell",
    ),
    path(
        "<int:pk>/table/<str:table>/paste/",
        table_views.profile_table_paste,
        name="profile_table_paste",
    ),
    path(
        "<int:pk>/table/<str:table>/columns/",
        table_views.profile_table_column_add,
        name="profile_table_column_add",
    ),
    path(
        "<int:pk>/table/<str:table>/columns/<str:column>/remove/",
        table_views.profile_table_column_remove,
        name="profile_table_column_remove",
    ),
    path("<int:pk>/buyers/", table_views.profile_buyer_add, name="profile_buyer_add"),
    path(
        "<int:pk>/buyers/<int:row>/remove/",
        table_views.profile_buyer_remove,
        name="profile_buyer_remove",
    ),
    path(
        "<int:pk>/table/<str:table>/done/",
        table_views.workshop_table_done,
        name="workshop_table_done",
    ),
    # Step 6: the draft profile, saved as a version.
    path("<int:pk>/draft/", profile_views.workshop_draft_save, name="workshop_draft_save"),
    path(
        "<int:pk>/draft/preview/",
        profile_views.workshop_draft_preview,
        name="workshop_draft_preview",
    ),
    path(
        "<int:pk>/draft/rebuild/",
        profile_views.workshop_draft_rebuild,
        name="workshop_draft_rebuild",
    ),
    path(
        "<int:pk>/draft/version/",
        profile_views.profile_version_create,
        name="profile_version_create",
    ),
    # Step 6's panels: criteria suggested from the data, the profile's self-check.
    path(
        "<int:pk>/draft/suggestions/",
        suggest_views.workshop_suggestions,
        name="workshop_suggestions",
    ),
    path(
        "<int:pk>/draft/suggestions/adopt/",
        suggest_views.workshop_suggestion_adopt,
        name="workshop_suggestion_adopt",
    ),
    path("<int:pk>/draft/check/", suggest_views.workshop_selfcheck, name="workshop_selfcheck"),
    path(
        "profile/versions/<int:number>/check/",
        suggest_views.profile_version_selfcheck,
        name="profile_version_selfcheck",
    ),
]
