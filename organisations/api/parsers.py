"""The API's one request parser: JSON, read with the same size limit as Django's forms, and
refusing what Python's JSON reader cannot take (nesting thousands of levels deep) as a 400
rather than a server error. Its refusals are said in the request's language, never with the
text of a Python exception."""

from json import JSONDecodeError

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status
from rest_framework.settings import api_settings
from rest_framework.utils import json


class RequestTooLarge(exceptions.APIException):
    """The request's body is larger than the server reads (``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = gettext_lazy("What you sent is too large. Send less at once, or shorter texts.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded in size and depth."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # One byte more than the limit tells a body at the limit from one beyond it.
        body = b"" if stream is None else stream.read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestTooLarge()
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise exceptions.ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from None
        try:
            return json.loads(text, parse_constant=json.strict_constant if api_settings.STRICT_JSON else None)
        except RecursionError:
            raise exceptions.ParseError(_("The JSON body is nested too deeply.")) from None
        except JSONDecodeError as error:
            raise exceptions.ParseError(
                _("The body is not valid JSON: line %(line)s, column %(column)s.")
                % {"line": error.lineno, "column": error.colno}
            ) from None
        except ValueError:  # NaN or Infinity, which JSON does not have
            raise exceptions.ParseError(
                _("The body is not valid JSON: NaN and Infinity are not numbers in JSON.")
            ) from None
