"""Permission-matrix entries of the portal's own URLs (language, theme, JS catalogue, pages)."""

from tests.security.matrix import (
    OTHER_OWNER,
    OWNER,
    ROLES,
    SIGNED_IN,
    STAFF,
    Entry,
    public,
    signed_in,
)

SIGN_IN = "/accounts/login/"
ALL_404 = {role: 404 for role in ROLES}
SIGNED_IN_302 = {role: 302 for role in SIGNED_IN}

MATRIX = {
    # Language and theme switches: POST forms in every page's header, for everyone.
    "set_language": public(method="post", data={"language": "en", "next": "/"}, redirect_to="/"),
    "set_theme": public(method="post", data={"theme": "care", "next": "/"}, redirect_to="/"),
    "javascript-catalog": public(),
    # The site icon: browsers, feed readers and bots ask every site for it.
    "favicon": public(),
    # Installable on a phone: the manifest, the service worker and its offline page (no data).
    "web_manifest": public(),
    "service_worker": public(),
    "offline": public(),
    # The portal's public PDF-signing certificate: anyone verifying a signed PDF fetches it.
    "pdf_signing_cert": public(),
    # Wagtail serves the public pages (home page, notices, …): public.
    "wagtail_serve": public(path="/"),
    # ---- Every login route (tests/security/test_logins.py attacks each one) ----------------
    # The one sign-in: allauth's. Signed-in visitors are sent on to the home page.
    "account_login": public(redirect_to="/"),
    "account_signup": public(redirect_to="/"),
    # Wagtail's admin and private-page logins and Django's admin login hand over to it.
    "wagtailadmin_login": public(redirect_to=SIGN_IN, note="hands over to allauth"),
    "wagtailcore_login": public(redirect_to=SIGN_IN, note="hands over to allauth"),
    "admin:login": public(redirect_to=SIGN_IN, note="hands over to allauth"),
    # allauth's steps after the password (the code sent by email or SMS, the TOTP code, the
    # code confirming a new phone): with no sign-in or phone change under way they send
    # anonymous visitors to sign in and a session on (home page, phone page).
    "account_confirm_login_code": Entry(statuses=SIGNED_IN_302),
    "mfa_authenticate": Entry(statuses=SIGNED_IN_302),
    "account_verify_phone": Entry(statuses=SIGNED_IN_302),
    # Re-authentication of a signed-in session: the password; the TOTP code for staff (owners
    # have no authenticator and are sent to the password form).
    "account_reauthenticate": signed_in(),
    "mfa_reauthenticate": Entry(allow=STAFF, statuses={OWNER: 302, OTHER_OWNER: 302}),
    # Links sent by email: a wrong key is an error page for everyone, signed in or not.
    "account_confirm_email": public(path="/accounts/confirm-email/not-a-key/"),
    "account_reset_password_from_key": public(path="/accounts/password/reset/key/1-not-a-key/"),
    # Off: Wagtail's own password reset (allauth resets passwords) and shared passwords on pages
    # and document collections (WAGTAIL_PRIVATE_PAGE_OPTIONS, ..._COLLECTION_OPTIONS).
    "wagtailadmin_password_reset_confirm": Entry(
        path="/admin/password_reset/confirm/MQ/not-a-token/", statuses=ALL_404
    ),
    "wagtailcore_authenticate_with_password": Entry(
        path="/_util/authenticate_with_password/1/1/", statuses=ALL_404
    ),
    "wagtaildocs_authenticate_with_password": Entry(
        path="/documents/authenticate_with_password/1/", statuses=ALL_404
    ),
}
