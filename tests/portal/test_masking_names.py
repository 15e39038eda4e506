"""One home for masking a name (``portal.core.masking``): the canvass list, the delivery
record and the board's pages all show a person as ``张**``."""

import pytest

from portal.core.masking import mask_label, mask_name
from property.registry.models import PartyKind
from voting.delivery_selectors import shown_name


@pytest.mark.parametrize(
    ("name", "shown"), [("张三丰", "张**"), ("李四", "李*"), ("李", "李*"), ("Li", "L*"), ("", "*")]
)
def test_mask_name(name, shown):
    assert mask_name(name) == shown


def test_mask_label_masks_each_co_owner():
    assert mask_label("李四+赵六") == "李*、赵*"
    assert mask_label("李四＋赵六丰") == "李*、赵**"


def test_a_developer_is_named_as_it_is_a_person_masked():
    assert shown_name(PartyKind.PERSON, "王小明") == "王**"
    assert shown_name(PartyKind.CO_OWNERS, "李四+赵六") == "李*、赵*"
    developer = next(k for k in PartyKind.values if k not in ("person", "co_owners"))
    assert shown_name(developer, "芜湖某置业有限公司") == "芜湖某置业有限公司"
