"""Every upload field of the portal goes through ``portal.core.uploads.validate_upload``: a file
whose content is not what its name says (a program renamed to .pdf) is refused, whichever form
it comes through (issue: uploads limited by type and size)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from property.credit import forms as credit_forms
from property.fund import forms as fund_forms
from voting import forms as voting_forms

DISGUISED = b"MZ\x90\x00" + b"\x00" * 60  # a Windows program's first bytes


def disguised(name="scan.pdf"):
    return SimpleUploadedFile(name, DISGUISED, "application/pdf")


def genuine(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * 64, "application/pdf")


FIELDS = [
    (voting_forms.VoteForm, "attachment"),
    (voting_forms.PaperForm, "scan"),
    (voting_forms.ProxyForm, "document"),
    (credit_forms.RecordAddForm, "evidence"),
    (credit_forms.ObjectionForm, "evidence"),
]


@pytest.mark.parametrize(("form", "field"), FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_upload_field_refuses_disguised_content(form, field):
    f = form.base_fields[field]
    with pytest.raises(ValidationError) as exc:
        f.clean(disguised())
    assert [e.code for e in exc.value.error_list] == ["upload_content"]
    assert f.clean(genuine()) is not None


def test_fund_evidence_refuses_disguised_content_and_names_the_file():
    """Fund photos come several at a time: the error says which file."""
    with pytest.raises(ValidationError) as exc:
        fund_forms._checked([genuine("ok.pdf"), disguised("burst-pipe.pdf")])
    assert [e.code for e in exc.value.error_list] == ["upload_content"]
    assert "burst-pipe.pdf" in exc.value.messages[0]
    assert fund_forms._checked([genuine("ok.pdf")])
