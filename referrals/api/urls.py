from organisations.api.routers import ApiRouter
from referrals.api import views

router = ApiRouter()
router.include_root_view = False
router.register("referrals", views.ReferralViewSet, basename="referral")

urlpatterns = router.urls
