"""Issue 14, finding 9: two imports of the same units at once gave a 500 (an uncaught
IntegrityError). The loser now gets a clear message and writes nothing; the winner's import
stands. A person new to the registry imported into two estates at once is created once."""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from property.registry import services
from property.registry.importer import plan_import, read_table
from property.registry.models import OwnerParty, Ownership, Person, Unit
from tests.factories import identity_number
from tests.property.registry.factories import csv_bytes

A, B = identity_number(601), identity_number(602)


@pytest.fixture(autouse=True)
def english():
    """The messages asserted below are the English ones."""
    with translation.override("en"):
        yield


def rows(prefix="1"):
    return [
        [prefix, f"{prefix}-101", "residential", "88.50", "registered", "张三", A, "no"],
        [prefix, f"{prefix}-102", "residential", "70.00", "registered", "李四", B, "no"],
        [prefix, f"{prefix}-103", "residential", "60.00", "registered", "", "", "yes"],
    ]


def plan(estate, table):
    headers, data = read_table(csv_bytes(table), "registry.csv")
    return plan_import(estate, headers, data)


@pytest.mark.django_db
def test_second_of_two_concurrent_imports_refused_with_a_message(world):
    """Both files were checked against the empty registry; the first import wins, the second
    (planned before the first was written) is refused with a message and writes nothing."""
    estate = world.estates[0]
    first, second = plan(estate, rows()), plan(estate, rows())
    services.registry_import(actor=None, plan=first)
    before = (Unit.objects.count(), Ownership.objects.count(), OwnerParty.objects.count())
    with pytest.raises(services.ImportRejected) as refused:
        services.registry_import(actor=None, plan=second)
    message = str(refused.value.errors[0])
    assert "another import" in message and "nothing" in message.lower(), message
    assert (Unit.objects.count(), Ownership.objects.count(), OwnerParty.objects.count()) == before
    assert plan(estate, rows()).summary()["unchanged"] == 3  # planned again, it goes through


@pytest.mark.django_db
def test_same_new_person_imported_into_two_estates_at_once(world):
    """Persons are shared by every estate: two imports planned before either wrote, each
    creating the same new person, both succeed and share one Person."""
    one, two = plan(world.estates[0], rows("1")), plan(world.estates[1], rows("2"))
    services.registry_import(actor=None, plan=one)
    services.registry_import(actor=None, plan=two)
    assert Person.objects.count() == 2
    assert Unit.objects.count() == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_imports_on_postgresql(world):
    """Two threads import the same file into the same estate at the same moment: one is
    applied, the other refused with a message; no IntegrityError escapes."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for row locks across threads")
    estate = world.estates[0]
    barrier = threading.Barrier(2)
    results = []

    def worker():
        translation.activate("en")  # the language is per thread
        try:
            p = plan(estate, rows())
            barrier.wait()
            services.registry_import(actor=None, plan=p)
            results.append("ok")
        except services.ImportRejected as exc:
            results.append(str(exc.errors[0]))
        except Exception as exc:  # an IntegrityError here is the bug
            results.append(f"crash: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "ok" in results, results
    loser = next(r for r in results if r != "ok")
    assert "another import" in loser, results
    assert Unit.objects.filter(estate=estate).count() == 3
    assert Ownership.objects.filter(unit__estate=estate, end__isnull=True).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_imports_of_one_person_into_two_estates_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL) for row locks across threads")
    barrier = threading.Barrier(2)
    results = []

    def worker(estate, prefix):
        try:
            p = plan(estate, rows(prefix))
            barrier.wait()
            services.registry_import(actor=None, plan=p)
            results.append("ok")
        except Exception as exc:
            results.append(f"crash: {exc!r}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(world.estates[i], str(i + 1))) for i in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["ok", "ok"], results
    assert Person.objects.count() == 2 and Unit.objects.count() == 6
