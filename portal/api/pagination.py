"""Page links of the API lists, absolute from ``PORTAL_BASE_URL`` (not from the request's host)."""

from rest_framework.pagination import PageNumberPagination

from portal.core.links import absolute_url


class PortalPagination(PageNumberPagination):
    def get_next_link(self):
        link = super().get_next_link()
        return absolute_url(link) if link else None

    def get_previous_link(self):
        link = super().get_previous_link()
        return absolute_url(link) if link else None
