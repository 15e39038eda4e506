"""Instant verification of an ownership claim (the Beijing practice): pure rules, no Django.

A claim is verified at once, with no staff step, when the imported registry holds the
claimant's identity number as a current holder of every claimed unit *and* the certificate
number of each unit's current ownership, the claimant gave both, the account's phone was
verified by SMS code, the instant check is on for the estate's city, and neither the account
nor the units have used up their attempts. Anything else goes to the owners' committee's
manual review as before, with the outcome shown to the reviewer only.

``verdict(facts)`` takes plain data gathered by ``services.claim_submit`` and returns an
``Outcome``; the order of the checks decides which reason a reviewer reads first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    VERIFIED = "verified"
    OFF = "off"  # the setting turns the instant check off for this city
    NO_CERTIFICATE = "no_certificate"  # the claimant gave no certificate number
    NO_PHONE = "no_phone"  # the account's phone number is not verified
    ACCOUNT_LIMIT = "account_limit"  # too many attempts from this account
    UNIT_LIMIT = "unit_limit"  # too many attempts on one of the units
    IDENTITY = "identity"  # the identity number is not that of a holder of every unit
    NOT_RECORDED = "not_recorded"  # the registry has no certificate number for a unit
    CERTIFICATE = "certificate"  # the certificate number differs from the registry's
    HELD = "held"  # the owner is linked to another account, or the account to another owner


@dataclass(frozen=True, slots=True)
class Facts:
    enabled: bool
    phone_verified: bool
    certificate_given: bool
    account_attempts: int  # earlier attempts of the account within the window
    unit_attempts: int  # earlier attempts on the most-tried claimed unit within the window
    max_account_attempts: int
    max_unit_attempts: int
    identity_holds_every_unit: bool
    certificate_recorded: bool  # every claimed unit's current ownership has a certificate
    certificate_matches: bool  # the given number is that of every claimed unit's ownership
    held_elsewhere: bool


def verdict(facts: Facts) -> Outcome:
    """Outcome.VERIFIED when every condition holds, else the first reason it does not."""
    if not facts.enabled:
        return Outcome.OFF
    if not facts.certificate_given:
        return Outcome.NO_CERTIFICATE
    if not facts.phone_verified:
        return Outcome.NO_PHONE
    if facts.account_attempts >= facts.max_account_attempts:
        return Outcome.ACCOUNT_LIMIT
    if facts.unit_attempts >= facts.max_unit_attempts:
        return Outcome.UNIT_LIMIT
    if not facts.identity_holds_every_unit:
        return Outcome.IDENTITY
    if not facts.certificate_recorded:
        return Outcome.NOT_RECORDED
    if not facts.certificate_matches:
        return Outcome.CERTIFICATE
    if facts.held_elsewhere:
        return Outcome.HELD
    return Outcome.VERIFIED


#: Outcomes of claims that spent one of the account's and the units' attempts: every claim
#: compared with the registry (or that would have been, but for the limit itself).
ATTEMPTS = tuple(
    o for o in Outcome if o not in (Outcome.OFF, Outcome.NO_CERTIFICATE, Outcome.NO_PHONE)
)
