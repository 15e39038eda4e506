"""manage.py credit_score: the score_json contract from a file or stdin; bad input fails in
one line with a non-zero exit status."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "as_of": "2025-01-09",
    "checklist": "55",
    "satisfaction": "0.90",
    "records": [
        {
            "kind": "good",
            "points": "10",
            "effective": "2024-01-10",
            "validity_days": 365,
            "serious": False,
            "status": "effective",
        }
    ],
}


def run(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "manage.py", "credit_score", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_scores_from_file_or_stdin(tmp_path, source):
    """The 2024-01-10 record (365 days) has expired on 2025-01-09: 55 + 18 = 73, grade A."""
    if source == "file":
        path = tmp_path / "in.json"
        path.write_text(json.dumps(GOOD))
        result = run(str(path))
    else:
        result = run("-", stdin=json.dumps(GOOD))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "score": "73.00",
        "grade": "A",
        "blacklisted": False,
        "bad_points_in_force": "0.00",
        "supervision": "none",
    }


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({**GOOD, "checklist": 55}),
        json.dumps({**GOOD, "as_of": "2025-13-01"}),
    ],
)
def test_bad_input_fails_in_one_line(text):
    result = run("-", stdin=text)
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
