"""The API's pagination: page numbers for short lists, keyset cursors on the id for the long ones
(referrals, notifications). Whatever a client puts in ``page``, ``page_size`` or ``cursor``, the
answer is a page, a 400 (a page size that is not a whole number from 1 to the maximum) or a 404
(a page or cursor that does not exist), never a server error; the schema states the bounds."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination

# PostgreSQL's bigint: a cursor position beyond it could not even be compared with an id.
LARGEST_ID = 2**63 - 1


class PagePagination(pagination.PageNumberPagination):
    """Numbered pages of ``PAGE_SIZE`` rows; the schema says pages start at 1."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters[0]["schema"]["minimum"] = 1
        return parameters


class IdCursorPagination(pagination.CursorPagination):
    """Keyset pages on the id, newest first: the same few queries for any page and any table size,
    and no ``COUNT(*)``. A cursor is only ever one this server made: anything else is a 404."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        if not request.query_params.get(self.cursor_query_param):
            return None
        cursor = super().decode_cursor(request)
        position = cursor.position
        if position is not None and not (position.isascii() and position.isdigit() and int(position) <= LARGEST_ID):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if not value:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
