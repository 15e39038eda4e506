"""Every registered notification kind has a test that sends it (issue 16's "done when"): its
code appears in some area's ``test_notifications.py``, which checks who is told, who is not,
and that the emailed link is absolute and opens for the recipient."""

from pathlib import Path

from portal.notifications import kinds

TESTS = Path(__file__).resolve().parents[2]


def test_every_kind_is_sent_in_some_area_test():
    text = "\n".join(p.read_text() for p in TESTS.rglob("test_notifications.py"))
    untested = [
        k.code
        for k in kinds.all_kinds()
        if not k.code.startswith("test.") and f'"{k.code}"' not in text
    ]
    assert untested == []


def test_every_kind_has_a_label_and_a_title():
    for kind in kinds.all_kinds():
        assert str(kind.label) and str(kind.title), kind.code
