from django.urls import path

from portfolio.customers import views

urlpatterns = [
    path("", views.customers, name="customers"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<int:pk>/delete/", views.dataset_delete_view, name="dataset_delete"),
    path("datasets/<int:pk>/aggregate/", views.dataset_aggregate, name="dataset_aggregate"),
]
