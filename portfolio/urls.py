"""The portfolio's pages: customers and datasets, the import, the analysis pages."""

from django.urls import include, path

urlpatterns = [
    path("customers/import/", include("portfolio.uploads.urls")),
    path("customers/", include("portfolio.customers.urls")),
    path("analysis/", include("portfolio.reports.urls")),
]
