"""Jurisdictions (city → district → street → community → estate), organisations and memberships.

Every staff right in the portal comes from a membership: a person holds a role in an
organisation, and the organisation sits at a node of the jurisdiction tree. The permission
module (``portal.permissions``) turns that into "may this user do X on this object?".
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from treebeard.mp_tree import MP_Node


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    ESTATE = "estate", _("Estate")


LEVEL_DEPTH = {
    Level.CITY: 1,
    Level.DISTRICT: 2,
    Level.STREET: 3,
    Level.COMMUNITY: 4,
    Level.ESTATE: 5,
}


class Jurisdiction(MP_Node):
    """A node of the jurisdiction tree; its depth fixes its level (city is the root)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)

    # No ``node_order_by``: sorted insertion would renumber siblings' paths, and paths are
    # recorded (audit log, scopes). Children keep the order in which they were added.

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self):
        return self.name

    def clean(self):
        if self.depth and LEVEL_DEPTH.get(self.level) != self.depth:
            raise ValidationError(
                _("A %(level)s cannot sit at this place in the tree.")
                % {"level": self.get_level_display()}
            )

    def contains(self, other: "Jurisdiction") -> bool:
        """True when ``other`` is this node or below it (materialised-path prefix test)."""
        return other.path.startswith(self.path)

    def ancestor_of_level(self, level: str) -> "Jurisdiction | None":
        depth = LEVEL_DEPTH[level]
        if depth > self.depth:
            return None
        if depth == self.depth:
            return self
        return Jurisdiction.objects.get(path=self.path[: depth * self.steplen])

    @property
    def full_name(self) -> str:
        names = [a.name for a in self.get_ancestors()] + [self.name]
        return " · ".join(names)


class OrgKind(models.TextChoices):
    BUREAU = "bureau", _("Housing bureau")
    STREET_OFFICE = "street_office", _("Street office")
    RESIDENTS_COMMITTEE = "residents_committee", _("Residents' committee")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    DEVELOPER = "developer", _("Developer")


GOVERNMENT_KINDS = frozenset({OrgKind.BUREAU, OrgKind.STREET_OFFICE, OrgKind.RESIDENTS_COMMITTEE})


class Organisation(models.Model):
    """A body that acts in the portal. Government bodies and owners' committees sit at the node
    they govern; a property company sits at the city node and acts on the estates it manages."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=OrgKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("jurisdiction"),
    )
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, null=True, unique=True
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            if not uscc.is_valid(self.credit_code):
                raise ValidationError(
                    {"credit_code": _("This is not a valid unified social credit code.")}
                )
            self.credit_code = uscc.compact(self.credit_code)
        elif self.kind == OrgKind.PROPERTY_COMPANY:
            raise ValidationError(
                {"credit_code": _("A property company needs its unified social credit code.")}
            )


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    APPROVER = "approver", _("Approver")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    """A person's role in an organisation; the source of every staff right."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.OFFICER)
    active = models.BooleanField(_("active"), default=True)
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"
