from django.urls import path

from referrals.views import inbox, referral, wizard

app_name = "referrals"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("refer/<int:person_id>/", wizard.referral_wizard, name="refer"),
    path("<int:referral_id>/", referral.referral_detail, name="detail"),
    path("<int:referral_id>/actions/<slug:action>/", referral.referral_action, name="action"),
    path("<int:referral_id>/assign/", referral.referral_assign, name="assign"),
    path("<int:referral_id>/rerefer/", referral.referral_rerefer, name="rerefer"),
    path("<int:referral_id>/messages/", referral.referral_message, name="message"),
]
