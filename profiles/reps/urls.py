from django.urls import path

from profiles.meeting import pack_views
from profiles.reps import bulk_views, segment_views, views

urlpatterns = [
    path("", views.current_profile, name="current_profile"),
    path("pdf/", pack_views.current_profile_pdf, name="current_profile_pdf"),
    path("fit-check/", views.fit_check, name="fit_check"),
    path("fit-check/bulk/", bulk_views.fit_check_bulk, name="fit_check_bulk"),
    path(
        "fit-check/bulk/mapping/", bulk_views.fit_check_bulk_mapping, name="fit_check_bulk_mapping"
    ),
    path("segments/", segment_views.segment_list, name="segment_list"),
    path("segments/export/", segment_views.segment_list_export, name="segment_list_export"),
    path("segments/crm/", segment_views.crm_export_download, name="crm_export"),
    path(
        "segments/exports/<int:pk>/",
        segment_views.segment_export_status,
        name="segment_export_status",
    ),
    path(
        "segments/exports/<int:pk>/download/",
        segment_views.segment_export_download,
        name="segment_export_download",
    ),
]
