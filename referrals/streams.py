"""The ``referrals.inbox`` live stream: one key per organisation, its sent and received referrals."""

from organisations import permissions
from organisations.models import Organisation
from organisations.validators import parse_id
from plumbing.streams import Stream


class ReferralInboxStream(Stream):
    """Key: an organisation id. Its case workers may subscribe; a snapshot holds its open
    referrals (received and sent) as the organisation may see them."""

    name = "referrals.inbox"

    def organisation(self, key: str) -> Organisation | None:
        pk = parse_id(key)
        return Organisation.objects.filter(pk=pk, is_active=True).first() if pk is not None else None

    def can_subscribe(self, user, key: str) -> bool:
        organisation = self.organisation(key)
        return organisation is not None and permissions.has_organisation_permission(user, "work_cases", organisation)

    def snapshot(self, user, key: str):
        from referrals import selectors
        from referrals.api.serializers import ReferralListSerializer

        referrals = selectors.inbox_open(user=user, organisation_id=int(key))[:200]
        return ReferralListSerializer(referrals, many=True, context={"organisation_id": int(key)}).data
