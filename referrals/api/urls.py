from rest_framework.routers import DefaultRouter

from referrals.api import views

router = DefaultRouter()
router.include_root_view = False
router.register("referrals", views.ReferralViewSet, basename="referral")

urlpatterns = router.urls
