import rules

from portal.permissions import is_government_staff

# Government staff read the audit log of their own jurisdiction (the admin view filters rows).
rules.add_perm("audit.view_auditevent", is_government_staff)
