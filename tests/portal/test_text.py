"""Issue 14, finding 11: one validator (``portal.core.text``) refuses control characters and
bidirectional formatting characters (a right-to-left override turns "exe.txt" into "txt.exe")
in every text a person types: names, titles, reasons."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from portal.core.text import PlainTextFormMixin, text_problem, validate_plain_text

BAD = {
    "NUL": "a\x00b",
    "bell": "a\x07b",
    "escape": "a\x1b[31mb",
    "DEL": "a\x7fb",
    "C1 control": "a\x85b",
    "right-to-left override": "张\u202e三",
    "left-to-right override": "a\u202db",
    "embedding": "a\u202ab",
    "pop directional": "a\u202cb",
    "isolate": "a\u2066b",
    "first strong isolate": "a\u2068b",
    "right-to-left mark": "a\u200fb",
    "arabic letter mark": "a\u061cb",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
}
GOOD = ["张三", "Zhang San", "3-2-1501", "O'Brien", "中文，标点。", "emoji 👍🏽", "a\u200db", ""]


@pytest.mark.parametrize("name", sorted(BAD))
def test_control_and_bidi_refused(name):
    assert text_problem(BAD[name])
    with pytest.raises(ValidationError):
        validate_plain_text(BAD[name])


@pytest.mark.parametrize("value", GOOD)
def test_ordinary_text_accepted(value):
    assert text_problem(value) is None
    validate_plain_text(value)


def test_newlines_only_in_multiline_text():
    assert text_problem("line 1\r\nline 2\tend", multiline=True) is None
    assert text_problem("line 1\nline 2")
    assert text_problem("a\u202eb", multiline=True)


class Form(PlainTextFormMixin, forms.Form):
    title = forms.CharField()
    body = forms.CharField(widget=forms.Textarea)
    password = forms.CharField(widget=forms.PasswordInput)


def test_mixin_checks_every_text_field():
    form = Form({"title": "a\u202eb", "body": "ok\nok", "password": "x\u202e"})
    assert not form.is_valid()
    assert set(form.errors) == {"title"}
    form = Form({"title": "ok", "body": "\x00", "password": "x"})
    assert set(form.errors) == {"body"}
    assert Form({"title": "ok", "body": "a\r\nb", "password": "x"}).is_valid()


def test_message_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            validate_plain_text("a\u202eb")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.messages[0])
