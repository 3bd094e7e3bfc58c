from django.urls import path

from profiles.reviews import views

urlpatterns = [
    path("", views.review_list, name="reviews"),
    path("settings/", views.review_settings, name="review_settings"),
    path("new/", views.review_new, name="review_new"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("<int:pk>/cancel/", views.review_cancel, name="review_cancel"),
    path("<int:pk>/start/", views.review_start, name="review_start"),
    path("<int:pk>/review.ics", views.review_ics, name="review_ics"),
    path(
        "<int:pk>/deliveries/<int:delivery>/retry/",
        views.review_delivery_retry,
        name="review_delivery_retry",
    ),
]
