from django.urls import path

from portfolio import views

urlpatterns = [
    path("", views.customers, name="customers"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<int:pk>/delete/", views.dataset_delete_view, name="dataset_delete"),
    path("datasets/<int:pk>/aggregate/", views.dataset_aggregate, name="dataset_aggregate"),
    path("import/", views.import_upload_view, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
]
