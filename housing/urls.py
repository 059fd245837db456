from django.urls import path

from housing.views import board, holds, moves, provider, site_texts

app_name = "housing"

urlpatterns = [
    path("", board.board, name="board"),
    path("unmet-requests/", board.unmet_request_create, name="unmet-request-create"),
    path("sites/<int:site_id>/", holds.site_detail, name="site"),
    path("sites/<int:site_id>/holds/", holds.hold_create, name="hold-create"),
    path("holds/<int:hold_id>/release/", holds.hold_release, name="hold-release"),
    path("holds/<int:hold_id>/extend/", holds.hold_extend, name="hold-extend"),
    path("holds/<int:hold_id>/move/", moves.hold_move, name="hold-move"),
    path("stays/<int:stay_id>/move/", moves.stay_move, name="stay-move"),
    path("provider/", provider.provider, name="provider"),
    path("provider/sites/<int:site_id>/confirm/", provider.site_confirm, name="site-confirm"),
    path("provider/sites/<int:site_id>/texts/", site_texts.site_texts, name="site-texts"),
    path("provider/beds/<int:bed_id>/out-of-service/", provider.bed_out_of_service, name="bed-out-of-service"),
    path("provider/beds/<int:bed_id>/in-service/", provider.bed_in_service, name="bed-in-service"),
    path("provider/holds/<int:hold_id>/check-in/", provider.hold_check_in, name="hold-check-in"),
    path("provider/holds/<int:hold_id>/no-show/", provider.hold_no_show, name="hold-no-show"),
    path("provider/stays/<int:stay_id>/extend/", provider.stay_extend, name="stay-extend"),
    path("provider/stays/<int:stay_id>/check-out/", provider.stay_check_out, name="stay-check-out"),
]
