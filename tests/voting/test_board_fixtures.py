"""Exports made before the board format moved to ``voting.board_format`` (issue 20) still
verify, with the same words: a DB-run vote (format 3, two heads, a changed and a paper ballot),
a format 3 board with void entries and a format 2 board. Each ``.out`` is what
``python -m voting.verify`` printed for it on the code before the change (issue 18, final heads,
added a NOTE line after it: these formats predate final heads). And a format 4 export of a
vote with trustees, made on the code before format 5 (issue 18, public record): its output is
word for word the same, with no NOTE and no trustees named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voting.verify import (
    PREDATES_FINAL_HEADS,
    main,
    verify_export,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = sorted(FIXTURES.glob("board-export-*.json"))


def test_there_are_fixtures():
    assert len(EXPORTS) == 4


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_export_made_before_still_verifies(path, capsys):
    data = json.loads(path.read_text(encoding="utf-8"))
    report = verify_export(data)
    assert report.ok, report.problems
    assert report.summary["result"] == data["result"]
    assert main([str(path)]) == 0
    if data["format"] == "gongzhi-board/4":  # final heads: no NOTE line
        assert capsys.readouterr().out == path.with_suffix(".out").read_text(encoding="utf-8")
        assert report.summary["final"] is True and "trustees" not in report.summary
        return
    ok, note = capsys.readouterr().out.splitlines()
    # The verdict line is word for word the old one; a second line says the export predates
    # final heads (format 4), so a cut-back export of this format cannot be told.
    assert ok + "\n" == path.with_suffix(".out").read_text(encoding="utf-8")
    assert note == "NOTE: " + PREDATES_FINAL_HEADS.format(format=data["format"])
    assert report.summary["final"] is None


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_export_made_before_fails_when_changed(path):
    """The fixtures are not accepted blindly: one changed byte of an entry is caught."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"][0]["time"] = data["entries"][0]["time"][:-1] + "1"  # +08:00 -> +08:01
    report = verify_export(data)
    assert not report.ok
