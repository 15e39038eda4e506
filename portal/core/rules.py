import rules

from portal.permissions import is_staff_person

# Anyone acting for an organisation works in Wagtail admin (what they see there is scoped).
rules.add_perm("wagtailadmin.access_admin", rules.predicate(is_staff_person))
