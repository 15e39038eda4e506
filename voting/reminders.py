"""When the parties that have not voted are reminded: the schedule, the throttle, the manual round.

Pure (no Django): plain aware datetimes in, plain values out. ``voting.reminder_services`` sends
what this module says is due; the committee's vote page shows ``schedule`` as it returns it.

The rules (issue 17):

- A vote's scheduled rounds are halfway through, three days before close and the day before
  close (``ROUNDS``). A round that falls before the vote opens, or not after the previous one
  (a short vote), is left out.
- A missed round is not sent late on top of a later one: at any time at most one scheduled round
  is due, the latest whose time has come that is later than every round already sent. A round is
  known by its code and the time it was scheduled for, so extending the vote gives new rounds.
- The throttle: a party reminded less than ``THROTTLE`` ago is not reminded again, whichever
  round (scheduled or by hand) reminded it.
- The committee may send one extra round by hand per calendar day (in the vote's time zone),
  while the vote is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

#: (code, how long before close). ``halfway`` is computed from the vote's length.
HALFWAY = "halfway"
THREE_DAYS = "three_days"
DAY_BEFORE = "day_before"
MANUAL = "manual"
ROUNDS = (HALFWAY, THREE_DAYS, DAY_BEFORE)

#: A party is not reminded twice within this window (by any round).
THROTTLE = timedelta(hours=20)
#: Rounds closer together than this are one round (the earlier is dropped): short votes.
MIN_GAP = timedelta(hours=12)


@dataclass(frozen=True)
class Round:
    code: str
    at: datetime


def schedule(opens_at: datetime, closes_at: datetime) -> list[Round]:
    """The vote's scheduled rounds in time order: halfway, three days and one day before close;
    a round before the vote opens, or within ``MIN_GAP`` of the next round or of the close, is
    left out (the later round covers it)."""
    wanted = [
        Round(HALFWAY, opens_at + (closes_at - opens_at) / 2),
        Round(THREE_DAYS, closes_at - timedelta(days=3)),
        Round(DAY_BEFORE, closes_at - timedelta(days=1)),
    ]
    wanted = sorted((r for r in wanted if opens_at < r.at < closes_at), key=lambda r: r.at)
    out: list[Round] = []
    for i, r in enumerate(wanted):
        following = wanted[i + 1].at if i + 1 < len(wanted) else closes_at
        if following - r.at >= MIN_GAP or i + 1 == len(wanted):
            out.append(r)
    return out


def due_round(
    opens_at: datetime, closes_at: datetime, now: datetime, sent: list[tuple[str, datetime]]
) -> Round | None:
    """The scheduled round to send at ``now``, if any: the latest round of ``schedule`` whose time
    has come (and the vote is not yet closed) that is later than every scheduled round already
    ``sent`` (``(code, scheduled_for)`` pairs) and is not itself among them."""
    if now >= closes_at:
        return None
    done = set(sent)
    last_sent = max((at for _code, at in sent), default=None)
    due = [
        r
        for r in schedule(opens_at, closes_at)
        if r.at <= now and (r.code, r.at) not in done and (last_sent is None or r.at > last_sent)
    ]
    return due[-1] if due else None


def may_remind(last_reminded_at: datetime | None, now: datetime) -> bool:
    """The throttle: a party may be reminded when it never was, or ``THROTTLE`` ago or more."""
    return last_reminded_at is None or now - last_reminded_at >= THROTTLE


def manual_refusal(manual_sent: list[datetime], now: datetime, tz: tzinfo) -> str | None:
    """Why the committee may not send a round by hand at ``now`` (``"today"``: one was already
    sent on this calendar day in ``tz``), or ``None`` when it may."""
    today = now.astimezone(tz).date()
    if any(t.astimezone(tz).date() == today for t in manual_sent):
        return "today"
    return None
