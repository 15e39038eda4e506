"""One page's CSS can never restyle the frame (issue 15; docs/ui.md).

The convention, checked here on every stylesheet and template of both themes:

- the frame (header, navigation, footer, skip link) uses only ``gz-`` classes, which only the
  frame stylesheet (``css/portal.css``) and the theme (``care/css/care.css``) may style;
- each area stylesheet (``cms/cms.css``, ``dashboards/dashboards.css``, …) has a prefix, and
  every one of its selectors starts at an element carrying a class with that prefix, so it can
  only match inside that area's markup (which lives in ``<main>``, never in the frame);
- area prefixes never appear on ``<html>``, ``<body>``, ``<main>`` or in the frame templates;
- area stylesheets size text with the tokens (``var(--text-small)``…) or at least ``1rem``, so
  the care theme's large type reaches every page;
- no page template carries its own ``<style>`` (PDF templates, which have no frame, aside).

The bug this guards: ``.bar`` in cms.css (a bar of a bar chart) also matched the header's
``<div class="bar">`` and broke the first screen of every CMS page.
"""

import re
from pathlib import Path

import pytest
import tinycss2

THEMES = Path(__file__).resolve().parents[2] / "themes"
FRAME_PREFIX = "gz-"
# The frame stylesheet and the themes that may style the frame and the shared kit.
FRAME_STYLESHEETS = {"default/static/css/portal.css", "care/static/css/care.css"}
# Every other stylesheet belongs to an area, named by its folder, with its class prefix.
AREA_PREFIXES = {
    "cms": "cms-",
    "dashboards": "dashboard-",
    "notifications": "notify-",
    "registry": "registry-",
    "voting": "vote-",
    "workbench": "workbench-",
}
FRAME_TEMPLATES = {"includes/header.html", "includes/footer.html"}
# Templates allowed to use frame classes: the frame itself and the bare frame of 400/500.
FRAME_CLASS_TEMPLATES = FRAME_TEMPLATES | {"base.html", "errors/bare.html"}


def stylesheets():
    for path in sorted(THEMES.glob("*/static/**/*.css")):
        rel = path.relative_to(THEMES).as_posix()
        if "/vendor/" not in rel:
            yield rel, path


def area_stylesheets():
    for rel, path in stylesheets():
        if rel not in FRAME_STYLESHEETS:
            yield rel, path


def area_of(rel: str) -> str:
    return rel.split("/")[2]  # <theme>/static/<area>/…


def style_rules(rules):
    """(selector tokens, declaration tokens) of every style rule, inside @media too."""
    for rule in rules:
        if rule.type == "qualified-rule":
            yield rule.prelude, rule.content
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer"):
            if rule.content is not None:
                yield from style_rules(tinycss2.parse_rule_list(rule.content, True, True))


def parse(path):
    rules = tinycss2.parse_stylesheet(path.read_text(), skip_comments=True, skip_whitespace=True)
    errors = [r for r in rules if r.type == "error"]
    assert not errors, f"{path}: {errors}"
    return list(style_rules(rules))


def split_selectors(prelude):
    """A selector list's tokens, one list per complex selector."""
    out, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            out.append(current)
            current = []
        else:
            current.append(token)
    out.append(current)
    return [strip(sel) for sel in out if strip(sel)]


def strip(tokens):
    tokens = list(tokens)
    while tokens and tokens[0].type in ("whitespace", "comment"):
        tokens.pop(0)
    while tokens and tokens[-1].type in ("whitespace", "comment"):
        tokens.pop()
    return tokens


def first_compound(selector):
    """The tokens before the first combinator (space, >, +, ~)."""
    compound = []
    for token in selector:
        if token.type == "whitespace" or (token.type == "literal" and token.value in ">+~"):
            break
        compound.append(token)
    return compound


def classes(tokens, nested: bool = True):
    """Class names in ``tokens`` (``.name``); with ``nested``, also inside :not(), :is() …."""
    found = []
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a.type == "literal" and a.value == "." and b.type == "ident":
            found.append(b.value)
    if nested:
        for token in tokens:
            if token.type == "function":
                found += classes(token.arguments)
    return found


def text(tokens):
    return tinycss2.serialize(tokens).strip()


def test_every_stylesheet_is_the_frame_or_a_registered_area():
    for rel, _ in stylesheets():
        assert rel in FRAME_STYLESHEETS or area_of(rel) in AREA_PREFIXES, (
            f"{rel}: a new area stylesheet needs a class prefix in AREA_PREFIXES and docs/ui.md"
        )


@pytest.mark.parametrize("rel", [rel for rel, _ in area_stylesheets()])
def test_area_stylesheet_selectors_start_in_their_area(rel):
    prefix = AREA_PREFIXES[area_of(rel)]
    faults = []
    for prelude, _ in parse(THEMES / rel):
        for selector in split_selectors(prelude):
            where = text(selector)
            if not any(c.startswith(prefix) for c in classes(first_compound(selector), False)):
                faults.append(f"{where}: does not start at a {prefix}* element")
            if any(c.startswith(FRAME_PREFIX) for c in classes(selector)):
                faults.append(f"{where}: names the frame")
            if any(t.type == "function" and t.lower_name == "has" for t in selector):
                faults.append(f"{where}: :has() can reach outside the area")
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("rel", [rel for rel, _ in area_stylesheets()])
def test_area_stylesheets_size_text_with_the_tokens(rel):
    """A literal small size (0.9rem, 14px) would stay small in the care theme."""
    faults = []
    for prelude, content in parse(THEMES / rel):
        for decl in tinycss2.parse_blocks_contents(content, True, True):
            if decl.type != "declaration" or decl.lower_name not in ("font-size", "font"):
                continue
            for token in decl.value:
                small = (
                    token.type == "dimension"
                    and (
                        token.lower_unit == "px"
                        or (token.lower_unit in ("rem", "em") and token.value < 1)
                    )
                ) or (token.type == "percentage" and token.value < 100)
                if small:
                    faults.append(f"{text(prelude)} {{ {decl.name}: {text(decl.value)} }}")
    assert not faults, "\n".join(faults)


def templates():
    """(name under the theme's templates/, path) of every template of both themes."""
    for path in sorted(THEMES.glob("*/templates/**/*.html")):
        yield path.relative_to(THEMES).as_posix().split("/", 2)[2], path


def class_tokens(html: str):
    for value in re.findall(r'\bclass="([^"]*)"', html):
        value = re.sub(r"{%.*?%}|{{.*?}}", " ", value)
        yield from value.split()


def test_frame_templates_use_only_frame_classes():
    for name in FRAME_TEMPLATES:
        html = (THEMES / "default/templates" / name).read_text()
        others = [c for c in class_tokens(html) if not c.startswith(FRAME_PREFIX)]
        assert not others, f"{name}: {others}"


def test_only_the_frame_uses_frame_classes():
    faults = []
    for name, path in templates():
        if name in FRAME_CLASS_TEMPLATES or name.startswith("pdf/"):
            continue
        used = [c for c in class_tokens(path.read_text()) if c.startswith(FRAME_PREFIX)]
        if used:
            faults.append(f"{path.relative_to(THEMES)}: {used}")
    assert not faults, "\n".join(faults)


def test_area_classes_never_reach_the_frame_or_the_page_root():
    prefixes = tuple(AREA_PREFIXES.values())
    faults = []
    for name, path in templates():
        html = path.read_text()
        roots = re.findall(r"<(?:html|body|main)\b[^>]*>", html)
        roots += re.findall(r"{% block body_class %}(.*?){% endblock %}", html)
        for root in roots:
            if any(c.startswith(prefixes) for c in class_tokens(root) if root.startswith("<")) or (
                not root.startswith("<") and any(w.startswith(prefixes) for w in root.split())
            ):
                faults.append(f"{path.relative_to(THEMES)}: {root}")
        if name in FRAME_CLASS_TEMPLATES:
            used = [c for c in class_tokens(html) if c.startswith(prefixes)]
            if used:
                faults.append(f"{path.relative_to(THEMES)}: {used}")
    assert not faults, "\n".join(faults)


def test_no_page_template_carries_its_own_stylesheet():
    faults = [
        str(path.relative_to(THEMES))
        for name, path in templates()
        if not name.startswith("pdf/") and "<style" in path.read_text()
    ]
    assert not faults, faults


def test_the_bug_is_caught():
    """The rule above flags the very selector that broke the header."""
    prelude = tinycss2.parse_one_rule(".bar { display: block }").prelude
    (selector,) = split_selectors(prelude)
    assert not any(c.startswith("cms-") for c in classes(first_compound(selector), False))


def test_no_template_comment_spans_lines():
    """Django's {# … #} is one line only; a longer one is printed on the page as it is."""
    faults = [
        f"{path.relative_to(THEMES)}:{n}"
        for _, path in templates()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not faults, faults
