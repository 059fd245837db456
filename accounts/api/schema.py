"""How the OpenAPI schema names the API's two ways of authenticating (drf-spectacular)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class ApiTokenScheme(KnoxTokenScheme):
    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"


class TwoFactorSessionScheme(SessionScheme):
    target_class = "accounts.authentication.TwoFactorSessionAuthentication"
    name = "cookieAuth"
