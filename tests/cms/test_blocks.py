"""The chart block takes "label: value" lines. "NaN" and "Infinity" parse as decimals, and a notice
whose chart held one answered 500 (issue 14, finding 12): the editor now gets an error per bad
line, and content saved before the check renders without those lines."""

import pytest
from wagtail import blocks

from cms.blocks import CHART_MAX_ROWS, ChartBlock, parse_chart_data
from tests.cms.factories import make_notice


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "sNaN", "1e400", "abc", ""])
def test_a_line_that_is_not_a_finite_figure_is_an_error(bad):
    rows, errors = parse_chart_data(f"一区: 3\n二区: {bad}")
    assert rows[0][0] == "一区" and len(rows) == 1
    assert len(errors) == 1 and "2" in errors[0]


def test_labels_and_full_width_colons():
    rows, errors = parse_chart_data("镜湖区：1200\n\n弋江区: 850.5\n")
    assert errors == []
    assert [(label, str(v)) for label, v in rows] == [("镜湖区", "1200"), ("弋江区", "850.5")]


def test_too_many_lines_is_an_error():
    _rows, errors = parse_chart_data("\n".join(f"第{i}项: {i}" for i in range(CHART_MAX_ROWS + 1)))
    assert errors and str(CHART_MAX_ROWS) in errors[-1]


def test_the_editor_cannot_save_a_chart_with_nan():
    block = ChartBlock()
    value = block.to_python({"title": "统计", "unit": "", "data": "一区: NaN"})
    with pytest.raises(blocks.StructBlockValidationError) as exc:
        block.clean(value)
    assert "data" in exc.value.block_errors


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-5"])
def test_a_notice_saved_with_a_bad_chart_still_renders(client, site, bad):
    notice = make_notice(site.notices)
    notice.body = [("chart", {"title": "统计", "unit": "个", "data": f"一区: 3\n二区: {bad}"})]
    notice.save_revision().publish()
    response = client.get(notice.url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "一区" in text
    assert "NaN" not in text and "Infinity" not in text
