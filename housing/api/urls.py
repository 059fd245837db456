from housing.api.views import holds_and_stays, sites, unmet_requests
from organisations.api.routers import ApiRouter

router = ApiRouter()
router.include_root_view = False
router.register("housing/sites", sites.SiteViewSet, basename="housing-site")
router.register("housing/beds", sites.BedViewSet, basename="housing-bed")
router.register("housing/holds", holds_and_stays.HoldViewSet, basename="housing-hold")
router.register("housing/stays", holds_and_stays.StayViewSet, basename="housing-stay")
router.register("housing/unmet-requests", unmet_requests.UnmetRequestViewSet, basename="housing-unmet-request")

urlpatterns = router.urls
