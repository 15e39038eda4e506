"""Fill an empty PostgreSQL database with a realistic generated city (docs/city.md).

Each app contributes a ``city`` module with ``build(ctx)`` (``portal.core.city`` explains the
context); they run in INSTALLED_APPS order, the layers of the house, like ``load_demo_data``.
The command lives in the portal core because the city spans every layer: a command in the
registry could not import voting, the fund or the credit rating (import-linter), while the
core finds each app's module by name without importing upwards.
"""

import importlib
import multiprocessing
import time
import traceback
from datetime import date

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from portal.core.city import DEFAULT_TODAY, CityContext


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--today must be a date YYYY-MM-DD, not {text!r}") from exc


def city_modules():
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.city")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.city":
                raise
            continue
        if hasattr(module, "build"):
            yield config, module


def refusal() -> str | None:
    """Why this database cannot take a city, or None."""
    if connection.vendor != "postgresql":
        return (
            "make_city needs PostgreSQL (it bulk-loads with COPY); this database is "
            f"{connection.vendor}. Set DATABASE_URL=postgres://..."
        )
    # By name: the core may not import the registry (the layers of the house).
    for label in ("organisations.Jurisdiction", "accounts.User", "registry.Unit"):
        model = apps.get_model(label)
        if model.objects.exists():
            return (
                f"make_city fills an empty database, and this one has "
                f"{model._meta.verbose_name_plural}. Create a new database and migrate it."
            )
    return None


class Command(BaseCommand):
    help = "Generate a realistic city into an empty, migrated PostgreSQL database."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help="units in the city")
        parser.add_argument("--years", type=int, default=10, help="years of history")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=_date,
            default=DEFAULT_TODAY,
            help=f"the city's today (default {DEFAULT_TODAY}; fixed, so a seed gives one city)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, **options):
        if options["units"] < 200:
            raise CommandError("--units must be at least 200 (the smallest estate).")
        if not 1 <= options["years"] <= 30:
            raise CommandError("--years must be between 1 and 30.")
        problem = refusal()
        if problem:
            raise CommandError(problem)
        ctx = CityContext(
            units=options["units"],
            years=options["years"],
            seed=options["seed"],
            today=options["today"],
            stream=self.stderr._out,
            quiet=options["quiet"],
        )
        started = time.perf_counter()
        with connection.cursor() as cur:
            unchecked = _superuser(cur)
        modules = list(city_modules())
        # Inside a caller's transaction (a test's) a second process could not see the rows of
        # the layers below: then every app is built here, one after another.
        two = not connection.in_atomic_block
        for config, module in modules:
            if two and getattr(module, "BUILD_BESIDE", None):
                continue  # built in a second process beside the app it names (below)
            beside = [
                _start_beside(ctx, c, m, unchecked)
                for c, m in modules
                if two and getattr(m, "BUILD_BESIDE", None) == config.label
            ]
            seconds, cpu = build_app(ctx, module, unchecked)
            ctx.timings[config.label] = seconds
            # The generator's own CPU beside the wall time: the rest is waiting for PostgreSQL
            # (or, on a shared machine, for a core).
            self.stdout.write(f"  {config.label}: {seconds:.1f} s ({cpu:.1f} s CPU)")
            for label, process, pipe in beside:
                process.join()
                if not pipe.poll():  # killed before it could say (the out-of-memory killer)
                    raise CommandError(
                        f"{label} (built beside {config.label}) ended with exit code "
                        f"{process.exitcode} and no report"
                    )
                seconds, cpu, error = pipe.recv()
                if error:
                    raise CommandError(f"{label} (built beside {config.label}) failed:\n{error}")
                ctx.timings[label] = seconds
                self.stdout.write(
                    f"  {label}: {seconds:.1f} s ({cpu:.1f} s CPU), beside {config.label}"
                )
        if unchecked:
            t0 = time.perf_counter()
            broken = check_foreign_keys()
            if broken:
                raise CommandError(
                    "The generated rows break foreign keys: "
                    + "; ".join(f"{table}.{column}: {n} rows" for table, column, n in broken)
                )
            ctx.timings["foreign keys checked"] = time.perf_counter() - t0
            self.stdout.write(
                f"  foreign keys checked: {ctx.timings['foreign keys checked']:.1f} s"
            )
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        total = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"City of {ctx.units:,} units built in {total:.1f} s.")
        )
        for table, rows in table_counts():
            self.stdout.write(f"  {table:<40} {rows:>12,}")


def build_app(
    ctx: CityContext, module, unchecked: bool, tables: list[str] | None = None
) -> tuple[float, float]:
    """One app's ``build(ctx)`` in its own transaction, then ``ANALYZE`` (of ``tables`` only,
    when given): (wall, CPU) seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    with transaction.atomic():
        with connection.cursor() as cur:
            # For this app's transaction only (SET LOCAL: kept even if the connection was
            # closed and opened again between apps, as django-q's enqueue may do): its commit
            # returns before the WAL reaches the disk (a crash loses a generation that is then
            # made again); and, for a superuser, foreign keys are checked once per key at the
            # end (``check_foreign_keys``, a set-based anti-join) instead of row by row:
            # Django's keys are deferred, so every loaded row queued a check run at the commit.
            cur.execute("SET LOCAL synchronous_commit TO off")
            cur.execute("SET LOCAL maintenance_work_mem TO '256MB'")
            if unchecked:
                cur.execute("SET LOCAL session_replication_role TO replica")
        module.build(ctx)
        ctx.reset_sequences()
    with connection.cursor() as cur:
        # Statistics for the next layer's queries: the tables just loaded were empty when
        # autovacuum last looked (at 1.3 million units, without this, each vote's electorate
        # query was a parallel scan of every ownership).
        cur.execute("ANALYZE" + (" " + ", ".join(f'"{t}"' for t in tables) if tables else ""))
    return time.perf_counter() - t0, time.process_time() - c0


def _start_beside(ctx: CityContext, config, module, unchecked: bool):
    """Build ``module`` in a forked process of its own while this one builds the app its
    ``BUILD_BESIDE`` names (an app that reads only the layers below both and writes only its own
    tables: its keys, counted in its own process, are the same as in a sequential run). Two
    processes keep both cores busy: one stage waits for PostgreSQL while the other computes.
    Returns (label, process, pipe); the pipe brings (wall, CPU, error text or None), a few
    kilobytes at most (under the pipe's buffer), so the parent may join the process first."""
    connections.close_all()  # the child opens its own connection; this one reopens on use
    fork = multiprocessing.get_context("fork")
    receive, send = fork.Pipe(duplex=False)

    def run() -> None:
        try:
            ctx.beside_another()  # this process's copy of the context
            # Its own tables only: an ANALYZE of the other stage's tables would wait for that
            # stage's transaction to end (its ANALYZEs inside it hold their locks till then).
            own = [model._meta.db_table for model in config.get_models()]
            seconds, cpu = build_app(ctx, module, unchecked, own)
            send.send((seconds, cpu, None))
        except BaseException:  # noqa: BLE001 - reported to the parent, which raises
            send.send((0.0, 0.0, traceback.format_exc()))
        finally:
            connections.close_all()

    # Daemonic: if this process fails first, its exit ends the other stage and rolls it back.
    process = fork.Process(target=run, name=config.label, daemon=True)
    process.start()
    return config.label, process, receive


def table_counts() -> list[tuple[str, int]]:
    """(table, rows) of every table with rows, largest first (exact counts)."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
            (n,) = cur.fetchone()
            if n:
                out.append((table, n))
    return sorted(out, key=lambda t: -t[1])


def _superuser(cur) -> bool:
    """May this session turn the row-by-row foreign-key triggers off (a superuser)?"""
    cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    row = cur.fetchone()
    return bool(row and row[0])


def check_foreign_keys() -> list[tuple[str, str, int]]:
    """(table, column, rows) of every single-column foreign key of the public schema that some
    row breaks (a value with no row in the referenced table): one anti-join per key."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname
            FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
              AND c.connamespace = 'public'::regnamespace
            """
        )
        keys = cur.fetchall()
        broken = []
        for table, column, parent, parent_column in keys:
            cur.execute(
                f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL AND NOT EXISTS "  # noqa: S608 - names from the catalogue
                f"(SELECT 1 FROM {parent} p WHERE p.{parent_column} = t.{column})"
            )
            (n,) = cur.fetchone()
            if n:
                broken.append((table, column, n))
    return broken
