"""The case-work world with the hub's proposed trajectory in force, put there by its coordinator."""

from dataclasses import dataclass

from organisations.choices import Role
from organisations.models import User
from tests import factories
from tests.casework import World, build_world
from trajectory import services
from trajectory.models import Trajectory


@dataclass
class PathWorld:
    case: World
    coordinator: User
    trajectory: Trajectory


def build_path_world() -> PathWorld:
    factories.shipped_deadline_rules()
    case = build_world()
    coordinator = factories.member(case.hub, Role.COORDINATOR)
    trajectory = services.proposed_content_install(actor=coordinator, organisation=case.hub, publish=True)
    return PathWorld(case=case, coordinator=coordinator, trajectory=trajectory)


def step_named(trajectory: Trajectory, name_en: str):
    return trajectory.phases.get(steps__name_en=name_en).steps.get(name_en=name_en)
