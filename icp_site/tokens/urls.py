from django.urls import path

from icp_site.tokens import views as token_views

urlpatterns = [
    path("", token_views.api_tokens, name="api_tokens"),
    path("new/", token_views.api_token_create, name="api_token_create"),
    path("<int:pk>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
]
