"""StreamField blocks of the portal's content pages.

Charts are rendered without JavaScript (CSP): a CSS bar chart plus the same figures as a table,
so they read well with a screen reader and print.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(label=_("alternative text"), max_length=200)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        template = "cms/blocks/image.html"
        icon = "image"
        label = _("Image")


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, max_length=200)

    class Meta:
        template = "cms/blocks/document.html"
        icon = "doc-full"
        label = _("Document")


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("tone"),
        choices=[("info", _("Information")), ("warn", _("Warning")), ("ok", _("Good news"))],
        default="info",
    )
    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        template = "cms/blocks/callout.html"
        icon = "warning"
        label = _("Call-out")


class AccordionItemBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=200)
    body = blocks.RichTextBlock(label=_("text"))


class AccordionBlock(blocks.StructBlock):
    items = blocks.ListBlock(AccordionItemBlock(), label=_("items"))

    class Meta:
        template = "cms/blocks/accordion.html"
        icon = "list-ul"
        label = _("Accordion")


CHART_MAX_ROWS = 50
CHART_MAX_VALUE = Decimal("1e15")


def parse_chart_data(text: str) -> tuple[list[tuple[str, Decimal]], list[str]]:
    """The rows of a chart's "label: value" lines, and an error for each line that is not one.

    A value must be a finite number of at most ``CHART_MAX_VALUE`` in size ("NaN" and
    "Infinity" parse as decimals but are not figures); blank lines are ignored.
    """
    rows, errors = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, sep, number = line.replace("：", ":").rpartition(":")
        try:
            value = Decimal(number.strip()) if sep and label.strip() else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) > CHART_MAX_VALUE:
            errors.append(
                gettext('Line %(n)d is not "label: value" with a number: %(line)s')
                % {"n": n, "line": line.strip()[:60]}
            )
            continue
        rows.append((label.strip(), value))
    if len(rows) > CHART_MAX_ROWS:
        errors.append(gettext("A chart has at most %(max)d lines.") % {"max": CHART_MAX_ROWS})
    return rows, errors


class ChartBlock(blocks.StructBlock):
    """A bar chart from "label: value" lines, drawn with CSS and repeated as a table."""

    title = blocks.CharBlock(label=_("title"), max_length=120)
    unit = blocks.CharBlock(label=_("unit"), required=False, max_length=20)
    data = blocks.TextBlock(
        label=_("data"), help_text=_('One "label: value" per line, e.g. "镜湖区: 1200".')
    )

    class Meta:
        template = "cms/blocks/chart.html"
        icon = "table"
        label = _("Chart")

    def clean(self, value):
        value = super().clean(value)
        _rows, errors = parse_chart_data(value.get("data"))
        if errors:
            raise blocks.StructBlockValidationError(block_errors={"data": ValidationError(errors)})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # Content saved before the check above may still hold bad lines: they are left out.
        rows, _errors = parse_chart_data(value.get("data"))
        rows = rows[:CHART_MAX_ROWS]
        top = max((v for _, v in rows), default=Decimal(0))
        context["rows"] = [
            (label, v, int(v * 100 / top) if top > 0 and v > 0 else 0) for label, v in rows
        ]
        return context


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), max_length=120, template="cms/blocks/heading.html", icon="title"
    )
    text = blocks.RichTextBlock(label=_("Rich text"))
    image = ImageBlock()
    document = DocumentBlock()
    table = TableBlock(label=_("Table"), template="cms/blocks/table.html")
    callout = CalloutBlock()
    accordion = AccordionBlock()
    chart = ChartBlock()
