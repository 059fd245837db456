"""The ``organisations.membership`` live stream: a user's own memberships."""

from organisations import selectors
from plumbing.streams import Stream


class MembershipStream(Stream):
    """Key: the user's id. Only the user themself may subscribe; deltas carry one membership."""

    name = "organisations.membership"

    def can_subscribe(self, user, key: str) -> bool:
        return key == str(user.pk)

    def snapshot(self, user, key: str):
        from organisations.api.serializers import MembershipSerializer

        return MembershipSerializer(selectors.user_memberships(user=user), many=True).data
