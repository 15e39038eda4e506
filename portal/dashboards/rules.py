"""Who may see which dashboard.

A node's dashboard: government staff (bureau, street office, residents' committee) whose node is
the dashboard's node or an ancestor of it; an owners' committee for its own estate's node.
"""

import rules

from portal.organisations.models import OrgKind
from portal.permissions import governs_pred, is_government_staff

is_owners_committee_of_node = governs_pred(
    kinds=[OrgKind.OWNERS_COMMITTEE], name="is_owners_committee_of_node"
)

rules.add_perm("dashboards.view_node", is_government_staff | is_owners_committee_of_node)
