"""docs/permissions.md is generated (tests/security/permissions_doc.py) and kept current."""

from tests.security.permissions_doc import DOC, render


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
