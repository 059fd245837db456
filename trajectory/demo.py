"""The demo hub's trajectory: Passerelle's proposed one, in force, with its entitlements and
guides, put there by the demo coordinator (after the demo people, who follow it)."""

from organisations.demo import HUB
from organisations.models import Organisation, User
from trajectory import services
from trajectory.models import Trajectory

COORDINATOR = "coordination@accueil-quebec.example"


def load_demo_trajectory() -> int:
    """Install and publish the proposed trajectory unless the hub already has one."""
    hub = Organisation.objects.get(slug=HUB)
    if Trajectory.objects.filter(organisation=hub).exists():
        return 0
    services.proposed_content_install(actor=User.objects.get(email=COORDINATOR), organisation=hub, publish=True)
    return 1
