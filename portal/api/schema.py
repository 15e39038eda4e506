"""OpenAPI schema hooks: document only the portal's own API (not Wagtail's admin API)."""


def only_portal_api(endpoints, **kwargs):
    return [e for e in endpoints if e[0].startswith("/api/")]
