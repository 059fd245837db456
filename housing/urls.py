from django.urls import path

from housing import site_views, views

app_name = "housing"

urlpatterns = [
    path("", views.board, name="board"),
    path("unmet-requests/", views.unmet_request_create, name="unmet-request-create"),
    path("sites/<int:site_id>/", views.site_detail, name="site"),
    path("sites/<int:site_id>/holds/", views.hold_create, name="hold-create"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="hold-release"),
    path("holds/<int:hold_id>/extend/", views.hold_extend, name="hold-extend"),
    path("holds/<int:hold_id>/move/", views.hold_move, name="hold-move"),
    path("stays/<int:stay_id>/move/", views.stay_move, name="stay-move"),
    path("provider/", views.provider, name="provider"),
    path("provider/sites/<int:site_id>/confirm/", views.site_confirm, name="site-confirm"),
    path("provider/sites/<int:site_id>/texts/", site_views.site_texts, name="site-texts"),
    path("provider/beds/<int:bed_id>/out-of-service/", views.bed_out_of_service, name="bed-out-of-service"),
    path("provider/beds/<int:bed_id>/in-service/", views.bed_in_service, name="bed-in-service"),
    path("provider/holds/<int:hold_id>/check-in/", views.hold_check_in, name="hold-check-in"),
    path("provider/holds/<int:hold_id>/no-show/", views.hold_no_show, name="hold-no-show"),
    path("provider/stays/<int:stay_id>/extend/", views.stay_extend, name="stay-extend"),
    path("provider/stays/<int:stay_id>/check-out/", views.stay_check_out, name="stay-check-out"),
]
