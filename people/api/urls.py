from organisations.api.routers import ApiRouter
from people.api import views

router = ApiRouter()
router.include_root_view = False
router.register("people", views.PersonViewSet, basename="person")
router.register("consents", views.ConsentViewSet, basename="consent")
router.register("needs", views.NeedViewSet, basename="need")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("interventions", views.InterventionViewSet, basename="intervention")
router.register("households", views.HouseholdViewSet, basename="household")

urlpatterns = router.urls
