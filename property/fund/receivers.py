"""Receivers of other apps' signals, connected in ``FundConfig.ready()``."""

from .services import SET_ASIDE, vote_result_recorded


def on_vote_finalised(sender, vote, outcome, **kwargs):
    """``voting.signals.vote_finalised``: an ordinary fund request proceeds only if its vote
    (matter 5 use, 6 raise) passed; failed or invalid rejects it (docs/contracts.md)."""
    vote_result_recorded(vote_id=vote.pk, outcome=outcome)


def on_vote_set_aside(sender, vote, **kwargs):
    """``voting.signals.vote_set_aside``: an objection to the result was upheld and the result
    set aside; it never becomes final. A request waiting for that vote does not proceed: it is
    treated as a vote that did not pass (rejected), and its decision says why."""
    vote_result_recorded(vote_id=vote.pk, outcome=SET_ASIDE)
