from django.urls import path

from portfolio.uploads import views

urlpatterns = [
    path("", views.import_upload_view, name="import_upload"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("<int:pk>/discard/", views.import_discard, name="import_discard"),
]
