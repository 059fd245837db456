"""Fixtures of the person-file tests."""

import pytest

from tests.people.world import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
