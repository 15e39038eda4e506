"""Receivers of other apps' signals, connected in ``FundConfig.ready()``."""

from .services import vote_result_recorded


def on_vote_finalised(sender, vote, outcome, **kwargs):
    """``voting.signals.vote_finalised``: an ordinary fund request proceeds only if its vote
    (matter 5 use, 6 raise) passed; failed or invalid rejects it (docs/contracts.md)."""
    vote_result_recorded(vote_id=vote.pk, outcome=outcome)
