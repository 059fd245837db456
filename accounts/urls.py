from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Before django.contrib.auth.urls in config/urls.py: this one, limited, answers the address.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("two-factor/", views.two_factor_manage, name="two-factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two-factor-recovery-codes"),
    path("two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("tokens/", views.api_tokens, name="api-tokens"),
    path("tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("members/", views.members, name="members"),
    path(
        "members/<int:membership_id>/reset-two-factor/",
        views.member_two_factor_reset,
        name="member-two-factor-reset",
    ),
]
