"""Who may call which endpoint: the public open data is for anyone; staff endpoints need a
government grant (bureau, street office, residents' committee) and are scoped to its subtree,
exactly like the dashboards."""

from rest_framework.permissions import BasePermission

from portal.permissions import governed_paths


class IsGovernmentStaff(BasePermission):
    """An authenticated user (token or session) holding at least one government grant."""

    message = "This endpoint is for government staff."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and governed_paths(user))
