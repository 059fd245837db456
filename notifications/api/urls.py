from notifications.api import views
from organisations.api.routers import ApiRouter

router = ApiRouter()
router.include_root_view = False
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
