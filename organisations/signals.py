"""What the organisations app tells the apps above it, inside the transaction of the change.

The organisations app is the floor the others stand on; the notification inbox stands above it
(it asks the access policy who may read what), so the organisations' services cannot call it.
They send these signals, and ``notifications.organisation_notices`` turns them into
notifications and emails. They are sent with ``send``, never ``send_robust``: a receiver that
fails rolls the change back with it, so nothing is half written.
"""

from django.dispatch import Signal

# A membership was granted or ended. Arguments: ``membership``, ``actor`` (None: the platform).
membership_changed = Signal()

# Something happened to a partnership. Arguments: ``partnership``, ``kind`` (one of the
# ``PARTNERSHIP_*`` codes below), ``actor`` (None: the platform, which tells nobody) and ``side``
# (the organisation the actor acted for).
partnership_changed = Signal()

PARTNERSHIP_PROPOSED = "partnership_proposed"
PARTNERSHIP_ACCEPTED = "partnership_accepted"
PARTNERSHIP_DECLINED = "partnership_declined"
PARTNERSHIP_WITHDRAWN = "partnership_withdrawn"
PARTNERSHIP_ENDED = "partnership_ended"

# A data-sharing agreement was recorded or ended. Arguments: ``agreement``, ``kind`` (one of the
# ``AGREEMENT_*`` codes below), ``actor`` and ``side``, as for a partnership.
agreement_changed = Signal()

AGREEMENT_RECORDED = "agreement_recorded"
AGREEMENT_ENDED = "agreement_ended"

# An invitation to join an organisation was created. Arguments: ``invitation``, ``link`` (the
# invitation's page: the only copy of its secret, to be emailed and never stored in clear) and
# ``sent_by`` (the hub that brought the organisation in, which the email names, or None).
invitation_created = Signal()
