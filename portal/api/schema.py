"""OpenAPI schema hooks: document only the portal's own API (not Wagtail's admin API)."""


def only_portal_api(endpoints, **kwargs):
    return [e for e in endpoints if e[0].startswith("/api/")]


from drf_spectacular.openapi import AutoSchema  # noqa: E402

ERROR_BODY = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    }
}
ERRORS = {
    "401": "Authentication credentials were not provided or are invalid.",
    "403": "The caller may not see this (outside their jurisdiction, or not government staff).",
    "404": "No such object, or a page past the end of the list.",
    "429": "Too many requests: the rate limit applies.",
}


class PortalAutoSchema(AutoSchema):
    """Documents the error answers every endpoint can give: 404 and 429 for all, 401 and 403 for
    those that need authentication."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        public = all(
            getattr(p, "__name__", type(p).__name__) == "AllowAny"
            for p in self.view.permission_classes
        )
        for code, text in ERRORS.items():
            if public and code in ("401", "403"):
                continue
            responses.setdefault(code, {"description": text, **ERROR_BODY})
        return responses
