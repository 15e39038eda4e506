"""The declared dependencies (pyproject.toml) and the pinned files compiled from them agree:
the runtime pins carry no test or tool, and every declared package is pinned (issue 20)."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def _declared_in(name: str) -> set[str]:
    """The packages pip-compile marked as wanted by pyproject.toml itself ("via gongzhi")."""
    wanted, current = set(), None
    for line in (ROOT / name).read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==", line)
        if m:
            current = canonicalize_name(m.group(1))
        elif current and "gongzhi (pyproject.toml)" in line:
            wanted.add(current)
    return wanted


def _declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    return runtime, dev


def test_every_runtime_dependency_is_pinned_in_both_files_within_its_range():
    runtime, _dev = _declared()
    prod, dev_pins = _pins("requirements.txt"), _pins("requirements-dev.txt")
    for req in runtime:
        name = canonicalize_name(req.name)
        assert name in prod, f"{req.name} is declared but not pinned in requirements.txt"
        assert req.specifier.contains(prod[name], prereleases=True), (req, prod[name])
        assert dev_pins.get(name) == prod[name], f"{req.name} pinned differently for dev"


def test_the_runtime_pins_carry_no_test_or_tool():
    _runtime, dev = _declared()
    prod, dev_pins = _pins("requirements.txt"), _pins("requirements-dev.txt")
    declared_for_runtime = _declared_in("requirements.txt")
    for req in dev:
        name = canonicalize_name(req.name)
        assert name in dev_pins, f"{req.name} is declared for dev but not pinned"
        # A dev package may come along with a runtime one (tinycss2 with WeasyPrint), but the
        # runtime file never lists it for its own sake.
        assert name not in declared_for_runtime, f"{req.name} is a dev tool declared for runtime"
    assert declared_for_runtime == {canonicalize_name(r.name) for r in _declared()[0]}
    for tool in ("pytest", "playwright", "schemathesis", "ruff", "hypothesis", "import-linter"):
        assert tool not in prod


def test_every_runtime_pin_is_the_same_in_the_dev_file():
    prod, dev_pins = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {n: v for n, v in dev_pins.items() if n in prod} == prod


def test_make_installs_the_dev_pins_and_production_only_the_runtime():
    makefile = (ROOT / "Makefile").read_text()
    assert "REQUIREMENTS ?= requirements-dev.txt" in makefile
    assert "pip install -q -r $(REQUIREMENTS)" in makefile
    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert "make setup REQUIREMENTS=requirements.txt" in deploy
