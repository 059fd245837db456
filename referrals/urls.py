from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("refer/<int:person_id>/", views.referral_wizard, name="refer"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/actions/<slug:action>/", views.referral_action, name="action"),
    path("<int:referral_id>/assign/", views.referral_assign, name="assign"),
    path("<int:referral_id>/rerefer/", views.referral_rerefer, name="rerefer"),
    path("<int:referral_id>/messages/", views.referral_message, name="message"),
]
