"""The workbench (工作台): what awaits each role, the page everyone lands on after signing in.

It reads through the domain apps' selectors (``sections``) and writes nothing."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.permissions import gate

from . import sections


@require_safe
@gate()
def home(request):
    """One section per role the person holds, each listing what awaits them, oldest first."""
    found = sections.for_user(request.user)
    return render(
        request,
        "workbench/home.html",
        {"sections": found, "waiting": sum(s.count for s in found)},
    )
