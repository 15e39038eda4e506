"""A list in a notification's parameters (the unit codes of a claim) is joined as the reader's
language joins a list: 、 in Chinese, a comma in English."""

from django.utils import translation

from portal.notifications import kinds


def test_unit_codes_joined_in_the_reader_s_language():
    params = {"estate": "滨江花园", "units": ["2-3-0102", "2-4-0201"], "org": "业委会"}
    with translation.override("zh-hans"):
        title = kinds.render_title("registry.claim_verified_office", params)
    assert "2-3-0102、2-4-0201" in title
    with translation.override("en"):
        title = kinds.render_title("registry.claim_verified_office", params)
    assert "2-3-0102, 2-4-0201" in title


def test_a_status_code_is_shown_as_its_label_in_the_reader_s_language():
    """A ruling is stored as its code and read as its label, in the reader's language (it is not
    frozen in the language of whoever ruled)."""
    params = {"title": "更换物业", "estate": "滨江花园", "ruling": "dismissed"}
    with translation.override("zh-hans"):
        title = kinds.render_title("voting.objection_ruled", params)
    assert "已驳回" in title and "dismissed" not in title
    with translation.override("en"):
        title = kinds.render_title("voting.objection_ruled", {**params, "ruling": "upheld"})
    assert "Upheld: the result is set aside" in title
