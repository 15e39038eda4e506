"""Lists in messages are joined the way the reader's language joins them (issue 15)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.core.uploads import validate_upload


@pytest.mark.parametrize(
    "language, expected",
    [("zh-hans", "允许的类型：pdf、jpg、jpeg、png。"), ("en", "Allowed: pdf, jpg, jpeg, png.")],
)
def test_upload_type_error_lists_types_per_language(settings, language, expected):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
    with translation.override(language), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("a.exe", b"MZ" + b"0" * 32))
    assert expected in error.value.messages[0]


@pytest.mark.parametrize(
    "language, label, name",
    [("zh-hans", "2026年第4季度", "第4季度"), ("en", "2026 Q4", "Q4")],
)
def test_a_quarter_reads_as_the_readers_language_names_it(language, label, name):
    """One function names a quarter on every page, notice and form (issue 19: Chinese tables
    showed "2026 Q4")."""
    from django.template import Context, Template

    from portal.core.words import quarter_choices, quarter_label

    with translation.override(language):
        assert quarter_label(2026, 4) == label
        assert quarter_choices()[3] == (4, name)
        html = Template("{% load words %}{% quarter y q %}|{% quarter y q as p %}<{{ p }}>").render(
            Context({"y": 2026, "q": 4})
        )
        assert html == f"{label}|<{label}>"


def test_no_template_or_module_writes_a_quarter_by_hand():
    """ "2026 Q4" in a Chinese table came from templates writing ``{{ year }} Q{{ quarter }}``."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\}\}\s*Q\{\{|\bQ\{(?:self\.|q\}|p\.)|\bQ%\(quarter\)s")
    found = [
        str(path.relative_to(root))
        for folder in ("themes", "property", "portal", "voting", "cms")
        for path in (root / folder).rglob("*")
        if path.suffix in {".html", ".py", ".txt"}
        and path != root / "portal/core/words.py"  # the one place, with its catalogue msgid
        and pattern.search(path.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "language, title",
    [
        ("zh-hans", "2026年第4季度信用排名已发布"),
        ("en", "The credit ranking of 2026 Q4 is published"),
    ],
)
def test_a_notice_names_its_quarter_in_the_readers_language(language, title):
    """Stored notices keep the year and the quarter; the title names the quarter when read."""
    from portal.notifications.kinds import render_title

    with translation.override(language):
        assert render_title("credit.rating_published", {"year": 2026, "quarter": 4}) == title


@pytest.mark.parametrize(
    "language, first, second, notice",
    [
        (
            "zh-hans",
            "2026年上半年",
            "2026年下半年",
            "滨江花园：2026年上半年公共收益报表已公示，公示至2026-07-19",
        ),
        (
            "en",
            "2026 H1",
            "2026 H2",
            "滨江花园: the shared revenue statement for 2026 H1 is posted until 2026-07-19",
        ),
    ],
)
def test_a_half_year_reads_as_the_readers_language_names_it(language, first, second, notice):
    """A statement's half-year is coded 2026H1 in URLs and exports; pages, PDFs and notices
    name it in the reader's language (the estate ledger's list printed "2026H1")."""
    from django.template import Context, Template

    from portal.core.words import half_year_label
    from portal.notifications.kinds import render_title

    with translation.override(language):
        assert half_year_label("2026H1") == first
        assert half_year_label("2026H2") == second
        assert half_year_label("not a half") == "not a half"
        html = Template("{% load words %}{{ p|half_year }}").render(Context({"p": "2026H2"}))
        assert html == second
        title = render_title(
            "revenue.statement_posted",
            {
                "estate": "滨江花园",
                "period": "2026H1",
                "until": "2026-07-19",
                "income": "1.00",
                "balance": "1.00",
            },
        )
        assert title.startswith(notice)


def test_a_date_in_a_translated_sentence_stays_on_one_line():
    """On a phone the ranking's lead sentence broke its date at the hyphen (2026-09-/30): the
    ``nowrap`` filter wraps the date, escaped, in a no-wrap span that ``blocktranslate`` keeps."""
    from datetime import date

    from django.template import Context, Template

    template = Template(
        '{% load words %}{% blocktranslate with date=day|date:"Y-m-d"|nowrap %}'
        "As of {{ date }}{% endblocktranslate %} {{ text|nowrap }}"
    )
    with translation.override("en"):
        html = template.render(Context({"day": date(2026, 9, 30), "text": "<b>"}))
    assert (
        html == 'As of <span class="nowrap">2026-09-30</span> <span class="nowrap">&lt;b&gt;</span>'
    )


def test_no_translated_sentence_takes_a_date_that_may_break():
    """Every ``blocktranslate`` that takes a Y-m-d date keeps it whole with ``nowrap``."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    tag = re.compile(r"\{% blocktranslate[^%]*%\}")
    bare = re.compile(r'\|date:"Y-m-d"(?!\|nowrap)')
    found = [
        str(path.relative_to(root))
        for path in (root / "themes").rglob("*.html")
        if any(bare.search(m.group(0)) for m in tag.finditer(path.read_text("utf-8")))
    ]
    assert found == []
