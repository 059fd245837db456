"""How the API contract run authenticates as a user: the one place that knows, so that a change
of API authentication (another kind of token, a second factor) changes only this file."""

from rest_framework.authtoken.models import Token

from organisations.models import User


def api_credentials(user: User) -> dict[str, str]:
    """The HTTP headers that authenticate ``user`` on the API."""
    token, _created = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}
