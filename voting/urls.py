from django.urls import include, path

from . import canvass_views, delivery_views, trustee_views, views

app_name = "voting"

urlpatterns = [
    path("", views.vote_list, name="list"),
    path("estates/", views.public_index, name="public_index"),
    path("estates/<slug:estate_code>/", views.public_estate, name="public_estate"),
    path("new/<slug:estate_code>/", views.vote_create, name="create"),
    path("<int:pk>/edit/", views.vote_edit, name="edit"),
    path("<int:pk>/", views.vote_detail, name="detail"),
    path("<int:pk>/attachments/<int:att_id>/", views.attachment, name="attachment"),
    path("<int:pk>/cast/", views.cast, name="cast"),
    path("<int:pk>/my/", views.my_vote, name="my_vote"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/paper/search/", views.paper_search, name="paper_search"),
    path("<int:pk>/paper/<int:paper_id>/scan/", views.paper_scan, name="paper_scan"),
    path("<int:pk>/proxy/", views.proxy_request, name="proxy_request"),
    path("<int:pk>/proxies/", views.proxies, name="proxies"),
    path("<int:pk>/proxies/<int:proxy_id>/document/", views.proxy_document, name="proxy_document"),
    path("<int:pk>/entries/<int:n>/dispute/", views.ballot_dispute, name="ballot_dispute"),
    path("<int:pk>/disputes/", views.disputes, name="disputes"),
    path("<int:pk>/trustees/", trustee_views.trustees, name="trustees"),
    path("<int:pk>/trustee/key/", trustee_views.trustee_key, name="trustee_key"),
    path("<int:pk>/trustee/open/", trustee_views.trustee_open, name="trustee_open"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/object/", views.objection, name="object"),
    path("objections/", views.objections_to_rule, name="objections_to_rule"),
    path("objections/<int:objection_id>/", views.objection_rule, name="objection_rule"),
    path("<int:pk>/canvass/", canvass_views.canvass_list, name="canvass"),
    path("<int:pk>/reminders/send/", canvass_views.reminder_send, name="reminder_send"),
    # The delivery of the vote notice (送达).
    path("<int:pk>/delivery/", delivery_views.delivery, name="delivery"),
    path("<int:pk>/delivery/posted/", delivery_views.delivery_posting, name="delivery_posting"),
    path(
        "<int:pk>/delivery/handed/<int:party_id>/",
        delivery_views.delivery_handover,
        name="delivery_handover",
    ),
    path(
        "<int:pk>/delivery/<slug:kind>/<int:file_id>/file/",
        delivery_views.delivery_file,
        name="delivery_file",
    ),
    path("<int:pk>/delivery.pdf", delivery_views.delivery_pdf, name="delivery_pdf"),
    path("", include("voting.board_urls")),
]
