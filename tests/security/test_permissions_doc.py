"""docs/permissions.md is generated (tests/security/permissions_doc.py) and kept current."""

from tests.security.permissions_doc import DOC, readable, render


def test_permissions_doc_is_current():
    """The file on disk is what the generator writes from today's gates and matrix."""
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is stale: run `make permissions-doc`"
    )


def test_permissions_doc_answers_for_every_role():
    text = render()
    for role in ("anonymous", "owner", "committee", "company", "street", "district", "city"):
        assert f"(`{role}`)" in text
    assert "| `/votes/<int:pk>/cast/` | voting:cast | signed in | Vote by pk | - | open |" in text


def test_regex_routes_are_shown_as_a_reader_writes_them():
    assert readable(r"^(?P<version>v1)/estates/$") == "v1/estates/"
    assert readable(r"^confirm-email/(?P<key>[-:\w]+)/$") == "confirm-email/<key>/"
    assert (
        readable(r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$")
        == "password/reset/key/<uidb36>-<key>/"
    )
    assert readable(r"^(?!_util/)((?:[\w\-]+/)*)$") == "<path>"
    assert readable("votes/<int:pk>/cast/") == "votes/<int:pk>/cast/"
    text = render()
    assert "- GET `/api/v1/staff/nodes/<code>/` (api:staff-node)" in text
    assert "^" not in text and "(?P<" not in text
