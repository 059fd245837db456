"""How the API contract run authenticates as a user: the one place that knows, so that a change
of API authentication changes only this file. An API token is what a script uses, and it carries
the second factor of the session that made it (docs/security.md, "API tokens")."""

from accounts.models import ApiToken
from organisations.models import User


def api_credentials(user: User) -> dict[str, str]:
    """The HTTP headers that authenticate ``user`` on the API (a new token each call)."""
    _token, text = ApiToken.objects.create(user=user, name="contract run")
    return {"Authorization": f"Token {text}"}
