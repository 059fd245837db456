"""The one router class of the API."""

from rest_framework.routers import DefaultRouter


class ApiRouter(DefaultRouter):
    """DRF's router without format-suffix routes (``referrals.json``): the API speaks JSON only,
    the viewsets take no ``format`` argument, and every route exists once in the schema."""

    include_format_suffixes = False
