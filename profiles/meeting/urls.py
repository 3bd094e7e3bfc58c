from django.urls import path

from profiles.meeting import pack_views, views

urlpatterns = [
    path("<int:pk>/meeting/", views.meeting_agenda, name="meeting_agenda"),
    path("<int:pk>/meeting/room/", views.meeting_room, name="meeting_room"),
    path("<int:pk>/step/<int:number>/present/", views.meeting_present, name="meeting_present"),
    path(
        "<int:pk>/step/<int:number>/present/live/",
        views.meeting_present_live,
        name="meeting_present_live",
    ),
    path("<int:pk>/meeting/pack/", pack_views.meeting_pack_create, name="meeting_pack_create"),
    path(
        "<int:pk>/meeting/pack/<int:pack>/",
        pack_views.meeting_pack_progress,
        name="meeting_pack_progress",
    ),
    path(
        "<int:pk>/meeting/pack/<int:pack>/<str:kind>/",
        pack_views.meeting_pack_download,
        name="meeting_pack_download",
    ),
]
