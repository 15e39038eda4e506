"""Signals voting sends to the apps above it (docs/contracts.md); voting never imports them.

``vote_finalised``: sent with ``sender=Vote, vote=<Vote>, outcome="passed"|"failed"|"invalid"``
when a result becomes final (after its publicity period), inside the transaction that marks it
final. Receivers (e.g. property.fund) connect in their ``AppConfig.ready()``.
"""

from django.dispatch import Signal

vote_finalised = Signal()
