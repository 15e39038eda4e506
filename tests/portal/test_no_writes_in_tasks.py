"""Domain writes only in services (issue 20): the worker's ``tasks.py`` and the demo loaders'
``demo.py`` of cms, voting, property and portal call services; they do not write models
themselves.

The check reads each module's source (``ast``) and fails on any call of a writing method
(``.update(``, ``.create(``, ``.save(``, ``.delete(``, ``bulk_create(`` and their kin) that the
allow-list below does not name with its reason. An entry is (module, enclosing function,
``Root.method``), where ``Root`` is the leftmost name of the call's receiver
(``Vote.objects.filter(...).update`` is ``Vote.update``). An entry that no longer matches a call
fails too, so the list shrinks as writes move into services.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("cms", "voting", "property", "portal")
MODULES = ("tasks.py", "demo.py")
WRITES = {
    "update",
    "create",
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}

# Not domain writes, or fixtures with no service to go through (yet). Every reason says which.
ALLOWED: dict[tuple[str, str, str], str] = {
    # --- not a model write ------------------------------------------------------------------
    ("portal/api/tasks.py", "_flatten", "flat.update"): "a dict merged into a CSV row",
    ("property/registry/demo.py", "_proof_png", "Image.save"): "Pillow writes a PNG to a buffer",
    # --- Wagtail's own objects: the CMS has no services for its pages, sites or documents --
    (
        "cms/demo.py",
        "ensure_home",
        "Site.delete",
    ): "Wagtail's installer site replaced by the demo home",
    ("cms/demo.py", "ensure_home", "welcome.delete"): "Wagtail's installer 'Welcome' page removed",
    ("cms/demo.py", "_ensure_site", "Site.update_or_create"): "Wagtail's default site row",
    ("cms/demo.py", "_document", "doc.save"): "a Wagtail document for a demo notice",
    ("cms/demo.py", "_document", "doc.file.save"): "the file of that Wagtail document",
    ("cms/demo.py", "load_notices", "NoticeAttachment.create"): (
        "a notice's attachment row, the inline of the page editor (no service)"
    ),
    # --- accounts and organisations: made by sign-up/admin, no services for fixtures ---------
    ("portal/core/demo.py", "ensure_user", "User.create"): "a demo account (allauth's sign-up)",
    ("portal/core/demo.py", "ensure_user", "EmailAddress.create"): "its verified address",
    ("portal/core/demo.py", "org", "Organisation.create"): "a demo organisation (admin-made)",
    ("portal/core/demo.py", "member", "Membership.get_or_create"): "a demo membership",
    # --- the registry: imported as a file (registry_import); what the format has no column for
    ("property/registry/demo.py", "load", "Estate.get_or_create"): "a demo estate (admin-made)",
    ("property/registry/demo.py", "build_estate_registry", "Building.create"): (
        "a building with its name (楼栋名称): the import format has codes only"
    ),
    ("property/registry/demo.py", "build_estate_registry", "OwnerParty.create"): (
        "the developer's party linked to its organisation: the import format has no column for it"
    ),
    ("property/registry/demo.py", "_beside_the_file", "Unit.update"): (
        "the units' stairwells: the import format has no stairwell column"
    ),
    ("property/registry/demo.py", "_beside_the_file", "Person.bulk_update"): (
        "the owners' phones: the import format has no phone column"
    ),
    ("property/registry/demo.py", "_beside_the_file", "Ownership.update"): (
        "the day the units were sold: an import records a holding from the day it runs"
    ),
    ("property/registry/demo.py", "_link_owner_accounts", "Person.update"): (
        "links a demo owner's account to the registry person (a verified claim's effect)"
    ),
    ("voting/demo.py", "_binjiang", "Person.update"): (
        "links a demo proxy owner's account to the registry person (a verified claim's effect)"
    ),
    # --- credit fixtures with past dates and states no service can produce -------------------
    ("property/credit/demo.py", "_checklists", "ChecklistEntry.bulk_create"): (
        "two years of checklist scores (no service: entered by the bureau in the admin)"
    ),
    ("property/credit/demo.py", "_surveys", "SatisfactionAnswer.bulk_create"): (
        "last year's survey answers (credit_survey_answer answers only the current year)"
    ),
}


def _root(node: ast.AST) -> str:
    """The receiver's text as ``name`` or ``name.attr`` chain up to the first call."""
    parts = []
    while True:
        if isinstance(node, ast.Call):  # Model.objects.filter(...).update -> Model
            func = node.func
            node = func.value if isinstance(func, ast.Attribute) else func
            parts = []
        elif isinstance(node, ast.Attribute):
            if node.attr not in ("objects",):
                parts.insert(0, node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            return ".".join([node.id, *parts]) if parts else node.id
        else:
            return "?"


def writes_in(source: str) -> list[tuple[str, str, int]]:
    """(enclosing function, ``Root.method``, line) of every writing call in ``source``."""
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name)
                continue
            if (
                isinstance(child, ast.Call)
                and isinstance(child.func, ast.Attribute)
                and child.func.attr in WRITES
            ):
                found.append((where, f"{_root(child.func.value)}.{child.func.attr}", child.lineno))
            visit(child, where)

    visit(ast.parse(source), "<module>")
    return found


def _modules() -> list[Path]:
    return sorted(
        p
        for app in APPS
        for name in MODULES
        for p in (ROOT / app).rglob(name)
        if "migrations" not in p.parts
    )


def test_the_check_reads_the_modules_of_every_app():
    found = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert {
        "voting/tasks.py",
        "property/fund/tasks.py",
        "property/credit/tasks.py",
        "property/fund/demo.py",
        "cms/tasks.py",
        "portal/notifications/tasks.py",
    } <= found


def test_the_check_sees_a_write_on_a_manager_or_queryset():
    source = (
        "def mark(vote, now):\n"
        "    Vote.objects.filter(pk=vote.pk).update(reminder_sent_at=now)\n"
        "    Rating.objects.bulk_create([])\n"
        "    LedgerEntry.objects.create(amount=1)\n"
        "    vote.save()\n"
        "    Vote.objects.filter(pk=1).delete()\n"
    )
    assert [w[1] for w in writes_in(source)] == [
        "Vote.update",
        "Rating.bulk_create",
        "LedgerEntry.create",
        "vote.save",
        "Vote.delete",
    ]
    assert {w[0] for w in writes_in(source)} == {"mark"}


def test_tasks_and_demo_modules_write_only_through_services():
    seen, stray = set(), []
    for path in _modules():
        rel = path.relative_to(ROOT).as_posix()
        for where, call, line in writes_in(path.read_text(encoding="utf-8")):
            key = (rel, where, call)
            if key in ALLOWED:
                seen.add(key)
            else:
                stray.append(f"{rel}:{line} in {where}(): {call}(...)")
    assert not stray, "writes outside services (move them into a service):\n" + "\n".join(stray)
    stale = sorted(set(ALLOWED) - seen)
    assert not stale, f"allow-list entries that no longer match a call (remove them): {stale}"


def test_no_tasks_module_writes_models():
    """The worker's modules allow nothing but the dict merge of the open-data CSV."""
    tasks = {k for k in ALLOWED if k[0].endswith("/tasks.py")}
    assert tasks == {("portal/api/tasks.py", "_flatten", "flat.update")}
