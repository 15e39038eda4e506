"""The board, the tally, the importer and the fund's services hold no function that is both long
(over 60 lines) and branchy (cyclomatic complexity above 15): the places a newcomer changes most
stay readable (issue 20). Complexity is ruff's C901 (mccabe)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "voting/board.py",
    "voting/board_format.py",
    "voting/merkle.py",
    "voting/tally.py",
    "voting/verify.py",
    "voting/services.py",
    "property/registry/importer.py",
    "property/fund/services.py",
    "property/fund/apportion.py",
]
MAX_LINES, MAX_COMPLEXITY = 60, 15


def _long_functions() -> dict[tuple[str, str], int]:
    found = {}
    for module in MODULES:
        tree = ast.parse((ROOT / module).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    found[(module, node.name)] = lines
    return found


def _complex_functions() -> set[tuple[str, str]]:
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run(
        [
            str(ruff),
            "check",
            "--select",
            "C901",
            "--output-format",
            "json",
            "--no-cache",
            "--config",
            f"lint.mccabe.max-complexity={MAX_COMPLEXITY}",
            *MODULES,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {
        (str(Path(d["filename"]).relative_to(ROOT)), d["message"].split("`")[1])
        for d in json.loads(out)
    }


def test_no_function_is_both_long_and_complex():
    both = sorted(set(_long_functions()) & _complex_functions())
    assert not both, (
        f"split these functions (over {MAX_LINES} lines, complexity > {MAX_COMPLEXITY}): {both}"
    )


def test_the_check_sees_a_long_and_complex_function(tmp_path, monkeypatch):
    body = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(40))
    (tmp_path / "m.py").write_text(f"def f(x):\n{body}\n    return -1\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "MODULES", ["m.py"])
    assert set(_long_functions()) & _complex_functions() == {("m.py", "f")}
