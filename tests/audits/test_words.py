"""Every action the code records has words: a label for the timelines, the search's list and the CSV."""

import re
from pathlib import Path

from django.apps import apps
from django_fsm import FSMFieldMixin

from audits.actions import ACTION_GROUPS, ACTION_LABELS, action_choices
from cases.common.services import AUDIT_NAMES
from cases.draws.engine import KIND_PREFIX

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [path for folder in ("cases", "workflow", "api", "audits") for path in (ROOT / folder).rglob("*.py")]
# action="x.y" and NAME = "x.y" constants naming actions (cases/accounts/services.py, audits/actions.py).
LITERAL = re.compile(r'action="([a-z_]+\.[a-z_]+)"')
CONSTANT = re.compile(r'^[A-Z_]+ = "((?:auth|api|audit|permission)\.[a-z_]+)"$', re.MULTILINE)


def _recorded_literally() -> set[str]:
    codes = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        if "audit_record" not in text and path.name not in {"actions.py", "services.py"}:
            continue
        codes |= set(LITERAL.findall(text))
        if path.parent.name in {"accounts", "audits"}:
            codes |= set(CONSTANT.findall(text))
    return codes


def _transitions() -> set[str]:
    """The codes cases.common.services.transition() records: "<audit name>.<transition method>"."""
    codes = set()
    for model in apps.get_models():
        if not any(isinstance(field, FSMFieldMixin) for field in model._meta.fields):
            continue
        name = AUDIT_NAMES.get(model._meta.model_name, model._meta.model_name)
        codes |= {f"{name}.{attr}" for attr in dir(model) if hasattr(getattr(model, attr, None), "_django_fsm")}
    return codes


def _made_up() -> set[str]:
    """The codes built from parts: draws (cases.draws.services), removed rows (cases.applications.services)."""
    draws = {
        f"{prefix}.{verb}"
        for prefix in KIND_PREFIX.values()
        for verb in ("drawn", "redrawn", "redraw_failed", "seat_confirmed", "seat_declined", "seat_released")
    }
    rows = {f"application.{section}_removed" for section in ("scope", "roster", "venue", "attachment")}
    return draws | rows


def test_the_scan_finds_what_the_brief_names():
    found = _recorded_literally()
    for code in ("auth.locked_out", "auth.session_expired", "api.key_used", "api.key_refused", "task.escalated"):
        assert code in found


def test_every_recorded_action_has_a_label():
    codes = _recorded_literally() | _transitions() | _made_up()
    codes = {code for code in codes if not code.startswith(("tests.", "test."))}
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_every_action_is_in_a_group_of_the_list():
    assert {code.partition(".")[0] for code in ACTION_LABELS} <= set(ACTION_GROUPS)
    listed = [code for _group, rows in action_choices() for code, _label in rows]
    assert sorted(listed) == sorted(ACTION_LABELS)
