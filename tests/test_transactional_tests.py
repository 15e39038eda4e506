"""Every transactional test asks for ``serialized_rollback`` (tests/shared_data.py).

A transactional test's flush at its end empties every table, and without ``serialized_rollback``
Django then runs ``post_migrate``, which creates the content types again under new keys; the next
transactional test on that worker that does ask for ``serialized_rollback`` loads the serialized
content types with their old keys and fails on a duplicate (app_label, model). CI's PostgreSQL
pass once failed five such tests after two new ones in tests/portal/test_make_city.py."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _django_db_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "django_db"
        ):
            yield node


def test_every_transactional_test_asks_for_serialized_rollback():
    missing = []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _django_db_calls(tree):
            options = {k.arg: k.value for k in call.keywords}
            transactional = options.get("transaction")
            if not (isinstance(transactional, ast.Constant) and transactional.value is True):
                continue
            serialized = options.get("serialized_rollback")
            if not (isinstance(serialized, ast.Constant) and serialized.value is True):
                missing.append(f"{path.relative_to(TESTS)}:{call.lineno}")
    assert missing == [], f"django_db(transaction=True) without serialized_rollback=True: {missing}"


def test_the_check_finds_a_marker_without_it():
    tree = ast.parse(
        "import pytest\n@pytest.mark.django_db(transaction=True)\ndef test_x(): pass\n"
    )
    (call,) = _django_db_calls(tree)
    assert {k.arg for k in call.keywords} == {"transaction"}
