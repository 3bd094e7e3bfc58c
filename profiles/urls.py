from django.urls import path

from profiles import views

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
]
