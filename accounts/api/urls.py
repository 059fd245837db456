from django.urls import path

from accounts.api import views

urlpatterns = [
    path("tokens/", views.ApiTokenListView.as_view(), name="api-token-list"),
    path("tokens/<str:token_key>/", views.ApiTokenDetailView.as_view(), name="api-token-detail"),
    path("two-factor-resets/", views.TwoFactorResetView.as_view(), name="api-two-factor-reset"),
]
