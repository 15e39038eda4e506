"""Root-level public URL of the board (``portal.urls`` includes it: ``path("",
include("voting.wellknown_urls"))``)."""

from django.urls import path

from . import board_views

urlpatterns = [
    path(
        ".well-known/gongzhi/board-signing-key",
        board_views.signing_key,
        name="board_signing_key",
    ),
]
