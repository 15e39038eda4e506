"""A table in a page body (the guide page's "事项 / 表决规则") renders as a table."""

from cms.blocks import BodyBlock

TABLE = {
    "data": [["事项", "表决规则"], ["选聘物业服务企业", "双过半"]],
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_caption": "",
}


def test_a_table_block_renders_its_cells_not_its_raw_value():
    """It rendered the block's raw value, "{'data': [['事项', …" (found by the layout test's
    language check on /guide/)."""
    body = BodyBlock().to_python([{"type": "table", "value": TABLE}])
    html = body.render_as_block()
    assert "{'data'" not in html and "first_row_is_table_header" not in html
    assert '<th scope="col"' in html and "表决规则" in html
    assert "<td" in html and "双过半" in html
    assert 'class="table-wrap"' in html
