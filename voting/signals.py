"""Signals voting sends to the apps above it (docs/contracts.md); voting never imports them.

``vote_finalised``: sent with ``sender=Vote, vote=<Vote>, outcome="passed"|"failed"|"invalid"``
when a result becomes final (after its publicity period, with no objection open), inside the
transaction that marks it final.

``vote_set_aside``: sent with ``sender=Vote, vote=<Vote>`` when an objection to a publicised
result is upheld and the result is set aside, inside that transaction. The vote never becomes
final: treat it as a vote that decided nothing.

Receivers (e.g. property.fund) connect in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

vote_finalised = Signal()
vote_set_aside = Signal()
