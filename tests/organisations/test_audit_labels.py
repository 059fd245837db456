"""Every action the code records has a name on the privacy officer's audit log (not its code)."""

import re
from pathlib import Path

from django.conf import settings

from organisations.audit_labels import action_label
from referrals.services import TRANSITIONS

ROOT = Path(settings.BASE_DIR)
WRITTEN = re.compile(r"""action=f?["']([a-z_]+\.[a-z_]+\.[a-z_.]+)["']""")


def recorded_actions() -> set[str]:
    found = set()
    for path in ROOT.glob("*/**/*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith((".venv/", "tests/", "node_modules/")) or "/migrations/" in relative:
            continue
        found.update(WRITTEN.findall(path.read_text(encoding="utf-8")))
    found.update(f"referrals.referral.{action}" for action in TRANSITIONS)
    return found


def test_every_recorded_action_has_a_name():
    actions = recorded_actions()
    assert len(actions) > 30
    unnamed = sorted(action for action in actions if action_label(action) == action)
    assert unnamed == []
