"""Who may do what with project managers (``user.has_perm("credit.…", obj)``).

* ``credit.manage_managers`` on a company, a manager or an assignment: that company's own
  staff (the manager's current company; the assignment's company). Without an object: staff
  of any property company.
* Managers' public pages and list need no permission; records about a manager are added,
  objected to and ruled on with the company's perms (``rules.py``).
"""

import rules

from .rules import is_company_staff

rules.add_perm("credit.manage_managers", is_company_staff)
