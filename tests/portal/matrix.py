"""Permission-matrix entries of the portal's own URLs (language, theme, JS catalogue, pages)."""

from tests.security.matrix import Entry, public

MATRIX = {
    # Language and theme switches: POST forms in every page's header, for everyone.
    "set_language": public(method="post", data={"language": "en", "next": "/"}, redirect_to="/"),
    "set_theme": public(method="post", data={"theme": "care", "next": "/"}, redirect_to="/"),
    "javascript-catalog": public(),
    # The site icon: browsers, feed readers and bots ask every site for it.
    "favicon": public(),
    # The portal's public PDF-signing certificate: anyone verifying a signed PDF fetches it.
    "pdf_signing_cert": public(),
    # Wagtail serves the public pages (home page, notices, …): public.
    "wagtail_serve": public(path="/"),
    "wagtailcore_authenticate_with_password": Entry(
        skip="Wagtail's password form for a page view restriction; no restricted pages exist, "
        "Wagtail's own tests cover it"
    ),
    "wagtailcore_login": public(
        note="Wagtail's sign-in for private pages: a form, open to everyone",
        redirect_to="/",
    ),
}
