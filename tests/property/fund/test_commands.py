"""manage.py fund_apportion (JSON in/out, bad input exits non-zero with one line) and
manage.py fund_reconcile (exit non-zero on a mismatch)."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from property.fund.models import FundAccount

from .factories import cast

GOOD = {
    "amount": "100.00",
    "basis": "area",
    "units": [{"unit": "1-101", "weight": "89.50"}, {"unit": "1-102", "weight": "120.25"}],
}


def test_apportion_file_and_stdin(tmp_path):
    """Shares sum exactly to the amount, from a file or from stdin ('-')."""
    path = tmp_path / "in.json"
    path.write_text(json.dumps(GOOD))
    out = StringIO()
    call_command("fund_apportion", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert result["total"] == "100.00"
    assert [s["amount"] for s in result["shares"]] == ["42.67", "57.33"]
    proc = subprocess.run(
        [sys.executable, "manage.py", "fund_apportion", "-"],
        input=json.dumps(GOOD),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout) == result


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({**GOOD, "amount": 100}),
        json.dumps({**GOOD, "basis": "heads"}),
        json.dumps({**GOOD, "units": []}),
        json.dumps({**GOOD, "amount": "1.001"}),
    ],
)
def test_apportion_bad_input_exits_nonzero_one_line(text):
    proc = subprocess.run(
        [sys.executable, "manage.py", "fund_apportion", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.django_db
def test_reconcile_command_passes_then_fails_on_mismatch(world):
    c = cast(world)
    out = StringIO()
    call_command("fund_reconcile", stdout=out)
    assert "Reconciled" in out.getvalue()
    acc = FundAccount.objects.get(unit=c.owner_unit)
    FundAccount.objects.filter(pk=acc.pk).update(balance=0)
    with pytest.raises(CommandError):
        call_command("fund_reconcile", stdout=StringIO(), stderr=StringIO())
