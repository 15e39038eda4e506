"""Permission-matrix entries of project managers (/credit/managers/)."""

from tests.security.matrix import COMPANY, PUBLIC, Entry


def _manager(d):
    from property.credit.models import ProjectManager

    manager = ProjectManager.objects.filter(company=d.estate.company).order_by("pk").first()
    assert manager is not None, "no demo project manager for the estate's company"
    return {"pk": manager.pk}


def _assignment(d):
    from property.credit.models import ManagerAssignment

    assignment = ManagerAssignment.objects.filter(company=d.estate.company).order_by("pk").first()
    assert assignment is not None, "no demo manager assignment for the estate's company"
    return {"pk": assignment.pk}


MATRIX = {
    # Public: like the companies' pages, managers' scores and records in force are published.
    "credit:managers": Entry(allow=PUBLIC),
    "credit:manager": Entry(allow=PUBLIC, kwargs=_manager),
    # The company's own staff register its managers and enter the estates they manage.
    "credit:managers_mine": Entry(allow={COMPANY}),
    "credit:manager_register": Entry(allow={COMPANY}),
    "credit:manager_assign": Entry(allow={COMPANY}, kwargs=_manager),
    "credit:manager_assignment_end": Entry(allow={COMPANY}, kwargs=_assignment),
}
