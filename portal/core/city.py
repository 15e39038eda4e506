"""The city generator's ground: the shared context, bulk loading by COPY, and a progress bar.

``manage.py make_city --units N [--years Y] [--seed S] [--today YYYY-MM-DD]`` fills an empty
PostgreSQL database with a realistic city (docs/city.md). Like ``load_demo_data``, every app
contributes a ``city`` module with ``build(ctx)``; they run in INSTALLED_APPS order, which
follows the layers of the house, so an app's generator reads what the layers below it wrote
(from the database) and never imports an app above it.

Determinism: every random choice comes from ``ctx.rng(name)``, a ``random.Random`` seeded
with the seed and a name (an app, an estate code), so one app's draws never shift another's;
every date derives from ``ctx.today`` (a fixed default, or ``--today``), never from the
clock; the big tables get their primary keys from ``ctx.ids`` (counters from 1 on an empty
database), so two runs with one seed give the same rows. Only cryptographic material is
random by design (vote keys, sealed choices and the hashes over them, encrypted identity
numbers): the choices it seals are the same.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

#: The default "today" of a generated city (``--today`` overrides it): fixed, so that a seed
#: gives the same city whenever it runs.
DEFAULT_TODAY = date(2026, 11, 30)

#: Rows sent per COPY before the progress bar moves on.
COPY_BATCH = 50_000


class Progress:
    """A one-line progress bar on stderr (tqdm is not a dependency): label, bar, count, rate."""

    def __init__(self, label: str, total: int, *, stream=None, width: int = 30):
        self.label, self.total, self.width = label, max(int(total), 1), width
        self.stream = stream or sys.stderr
        self.done = 0
        self.started = self._last = time.perf_counter()
        self._draw()

    def update(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self._last >= 0.5 or self.done >= self.total:
            self._last = now
            self._draw()

    def _draw(self, end: str = "") -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.width)
        spent = time.perf_counter() - self.started
        rate = self.done / spent if spent > 0 else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r  {self.label:<22} [{bar}] {self.done:>10,}/{self.total:,} "
            f"{share:4.0%} {spent:6.1f} s {rate:9,.0f}/s{end}"
        )
        self.stream.flush()

    def close(self) -> float:
        spent = time.perf_counter() - self.started
        self._draw("\n")
        return spent


def aware(d: date, hour: int = 10, minute: int = 0) -> datetime:
    """A date at a time of day in Asia/Shanghai (the portal's zone)."""
    return timezone.make_aware(datetime.combine(d, dtime(hour, minute)))


@dataclass
class CityContext:
    """What every app's ``build(ctx)`` gets: the parameters, the random streams, bulk loading."""

    units: int
    years: int
    seed: int
    today: date
    stream: object = None
    quiet: bool = False
    timings: dict = field(default_factory=dict)
    _next_id: dict = field(default_factory=dict)
    _explicit: set = field(default_factory=set)

    @property
    def start(self) -> date:
        """The first day of the generated history (``years`` before today, 1 January)."""
        return date(self.today.year - self.years, 1, 1)

    def rng(self, *name: object) -> random.Random:
        """A random stream of its own for ``name`` (string seeds are hashed with SHA-512, so
        this is the same in every process, whatever PYTHONHASHSEED says)."""
        return random.Random(":".join(str(p) for p in (self.seed, *name)))

    def progress(self, label: str, total: int) -> Progress:
        if self.quiet:
            return Progress(label, total, stream=_Null())
        return Progress(label, total, stream=self.stream)

    # ---- primary keys and COPY ------------------------------------------------------------

    def ids(self, model, n: int) -> range:
        """``n`` fresh primary keys for ``model``, counted in this process (the database was
        empty of these rows, or the counter starts after the highest key); the sequences are
        set past them by ``reset_sequences``."""
        first = self._next_id.get(model)
        if first is None:
            highest = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            first = (highest or 0) + 1
        self._next_id[model] = first + n
        self._explicit.add(model)
        return range(first, first + n)

    def next_id(self, model) -> int:
        """One fresh primary key for ``model`` (as ``ids(model, 1)``, cheaper in a hot loop)."""
        n = self._next_id.get(model)
        if n is None:
            return self.ids(model, 1)[0]
        self._next_id[model] = n + 1
        return n

    def beside_another(self) -> None:
        """For a stage built in a second process beside another (``make_city``): no progress
        bars (they would overwrite the other stage's on the same terminal), and
        ``reset_sequences`` moves only the sequences of the keys counted from now on (this
        stage's own tables), not those of the layers below, which the other stage may be
        drawing from."""
        self.quiet = True
        self._explicit.clear()

    def reset_sequences(self) -> None:
        """Move the sequences of the models given explicit keys past the highest key."""
        if not self._explicit:
            return
        sql = connection.ops.sequence_reset_sql(no_style(), list(self._explicit))
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)

    def copy(self, model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Bulk-load ``rows`` (tuples in ``columns`` order, column names as in the table) into
        ``model``'s table with PostgreSQL COPY; returns how many. JSON values must be wrapped
        (``psycopg.types.json.Jsonb``)."""
        return copy_rows(model._meta.db_table, columns, rows)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with connection.cursor() as cur:
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


class Buffer:
    """Rows collected across estates and sent by COPY every ``COPY_BATCH`` rows."""

    def __init__(self, ctx: CityContext, model, columns: Sequence[str], *, keyed: bool = False):
        """``keyed``: the rows come without their first column, the primary key ``id``,
        which the flush counts for them (``ctx.ids``) in the order they were added: the same
        keys as one ``ctx.ids`` call per row, without the call."""
        self.ctx, self.model, self.columns = ctx, model, list(columns)
        self.keyed = keyed
        self.rows: list = []
        self.count = 0

    def add(self, row: Sequence) -> None:
        self.rows.append(row)
        if len(self.rows) >= COPY_BATCH:
            self.flush()

    def extend(self, rows: Iterable[Sequence]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> int:
        if self.rows:
            rows = self.rows
            if self.keyed:
                ids = self.ctx.ids(self.model, len(rows))
                rows = ((pk, *row) for pk, row in zip(ids, rows, strict=True))
            self.count += self.ctx.copy(self.model, self.columns, rows)
            self.rows = []
        return self.count


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def days_between(rng: random.Random, first: date, last: date) -> date:
    """A day between ``first`` and ``last`` inclusive."""
    span = (last - first).days
    return first + timedelta(days=rng.randint(0, max(span, 0)))
