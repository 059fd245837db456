from housing.api import views
from organisations.api.routers import ApiRouter

router = ApiRouter()
router.include_root_view = False
router.register("housing/sites", views.SiteViewSet, basename="housing-site")
router.register("housing/beds", views.BedViewSet, basename="housing-bed")
router.register("housing/holds", views.HoldViewSet, basename="housing-hold")
router.register("housing/stays", views.StayViewSet, basename="housing-stay")
router.register("housing/unmet-requests", views.UnmetRequestViewSet, basename="housing-unmet-request")

urlpatterns = router.urls
