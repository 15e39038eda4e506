"""Which domain apps' read sides are present. The dashboards and the API add each domain's
figures, sections and endpoints when its selectors module exists, so this layer never breaks
while the domain apps are assembled (and a deployment can leave one out)."""

from functools import cache
from importlib.util import find_spec

VOTING = "voting.selectors"
FUND = "property.fund.selectors"
CREDIT = "property.credit.selectors"
CMS = "cms.selectors"


@cache
def available(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False
