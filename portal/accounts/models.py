"""Portal users: sign in with a verified mobile phone number or email address."""

import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.masking import mask_phone, mask_phones_in


class PortalUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        # ``username`` is an internal handle that admin pages show: never the phone number.
        username = username or email or f"u-{uuid.uuid4().hex[:16]}"
        return super()._create_user(username, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. ``username`` is an internal handle; people log in by phone or email."""

    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, null=True, unique=True)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    display_name = models.CharField(_("name"), max_length=100, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="accounts_user_unique_email"
            )
        ]

    def __str__(self):
        """How other people see the account: its name, else its masked phone number
        (139****5678), else its email. Only the account pages show the owner their number."""
        return (
            self.display_name
            or self.get_full_name()
            or mask_phone(self.phone)
            or self.email
            or mask_phones_in(self.username)
        )
