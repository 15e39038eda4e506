"""Board URLs under /votes/ (included by ``voting.urls`` into the ``voting`` namespace)."""

from django.urls import path

from . import board_views

urlpatterns = [
    path("receipt/", board_views.receipt_page, name="receipt"),
    path("<int:pk>/board/", board_views.board_page, name="board"),
    path("<int:pk>/board.json", board_views.board_json, name="board_json"),
    path("<int:pk>/result.pdf", board_views.result_pdf, name="result_pdf"),
    path("<int:pk>/ballots/", board_views.paper_ballots, name="paper_ballots"),
    path("<int:pk>/ballot/<int:elector_id>.pdf", board_views.ballot_pdf, name="ballot_pdf"),
]
