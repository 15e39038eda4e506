"""A label and its value are joined the way the reader's language joins them (issue 15).

Chinese writes the full-width colon after a label (密码：, 表决结果：…), English the ASCII colon
and a space. The portal printed "登录:", "密码:" (Django's form labels: its own Chinese catalogue
keeps the ASCII colon as the label suffix) and "表决结果: …" (templates writing ``: `` after a
translated word). The colon belongs to the translated text: the label suffix is translated in
the project's catalogue, and templates join a label and a value inside one translated string.
"""

import re
from pathlib import Path

from django import forms
from django.utils import translation

THEMES = Path(__file__).resolve().parents[2] / "themes"


class NameForm(forms.Form):
    name = forms.CharField(label="Name")


def test_form_labels_end_with_the_colon_of_the_language():
    with translation.override("zh-hans"):
        chinese = NameForm()["name"].label_tag()
    with translation.override("en"):
        english = NameForm()["name"].label_tag()
    assert chinese.endswith("：</label>"), chinese
    assert english.endswith(":</label>"), english


class QuestionForm(forms.Form):
    happy = forms.CharField(label="您对本年度物业服务企业的服务是否满意？")


def test_a_label_ending_in_chinese_punctuation_gets_no_colon():
    """The survey's question read "…是否满意？：": Django leaves the suffix off a label ending in
    one of gettext(":?.!"), which Chinese must list in their full-width forms too."""
    with translation.override("zh-hans"):
        label = QuestionForm()["happy"].label_tag()
    assert label.endswith("是否满意？</label>"), label


# Text whose colon is translated with it: a whole translated string, a comment.
TRANSLATED = re.compile(
    r"{% blocktranslate.*?{% endblocktranslate %}|{% comment %}.*?{% endcomment %}|{#.*?#}",
    re.S,
)
# An ASCII colon right after a tag or a variable, ending a label: "{% translate "X" %}: {{ v }}",
# "{{ label }}: {{ value }}", "… (as proxy){% endif %}:".
COLON_AFTER_TAG = re.compile(r"(?:%}|}}):(?=[\s<]|$)", re.M)


def test_no_template_writes_an_ascii_colon_after_a_label():
    faults = []
    for path in sorted(THEMES.glob("*/templates/**/*")):
        if path.suffix not in (".html", ".txt"):
            continue
        source = path.read_text(encoding="utf-8")
        bare = TRANSLATED.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
        for match in COLON_AFTER_TAG.finditer(bare):
            line = source.count("\n", 0, match.start()) + 1
            text = source.splitlines()[line - 1].strip()
            faults.append(f"{path.relative_to(THEMES)}:{line}: {text[:120]}")
    assert not faults, "\n".join(faults)
