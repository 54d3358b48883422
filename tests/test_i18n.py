"""The zh_Hans catalogue is complete and compiled, and the UI speaks Chinese by default.

Refresh the catalogues after adding strings:
    DEBUG=1 .venv/bin/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --ignore=bench \
        --no-obsolete
    (translate every new or fuzzy entry in locale/zh_Hans/LC_MESSAGES/django.po, then)
    DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
# %(name)s / %(rate).1f, bare %s / %d, str.format {name}, HTML tags and the literal %%.
_PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdif]|\{[A-Za-z_0-9]*\}|</?[A-Za-z][^>]*>|%%")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    """A minimal stdlib .po reader: flags, msgctxt, msgid, msgid_plural, msgstr[n]; skips obsolete entries."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and not line:
                entries.append(entry)
                entry, target = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unescape(match.group(3))
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(entry, keyword, value)
                if keyword == "msgid":
                    entry.line = number
        elif line.startswith('"') and line.endswith('"') and target is not None:
            value = _unescape(line[1:-1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], (getattr(entry, target[0]) or "") + value)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    if entry is not None:
        entries.append(entry)
    return entries


def _messages(path: Path) -> list[Entry]:
    return [entry for entry in parse_po(path) if entry.msgid or entry.msgctxt is not None]


def _header(path: Path) -> str:
    return next(entry.msgstr.get(0, "") for entry in parse_po(path) if not entry.msgid and entry.msgctxt is None)


def test_zh_hans_catalogue_has_the_right_header():
    header = _header(ZH_PO)
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "charset=UTF-8" in header


def test_every_zh_hans_message_is_translated_and_not_fuzzy():
    entries = _messages(ZH_PO)
    assert entries, f"{ZH_PO} holds no messages; run makemessages"
    header_fuzzy = [entry for entry in parse_po(ZH_PO) if not entry.msgid and "fuzzy" in entry.flags]
    problems = [f"fuzzy header at line {entry.line}" for entry in header_fuzzy]
    for entry in entries:
        # zh has nplurals=1, so a plural entry needs msgstr[0] only; every msgstr present must be filled.
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {entry.label}")
        elif not entry.msgstr.get(0) or not all(entry.msgstr.values()):
            problems.append(f"untranslated {entry.label}")
    assert not problems, f"{ZH_PO} needs translating ({len(problems)}):\n" + "\n".join(problems)


def test_zh_hans_translations_keep_every_placeholder():
    problems = []
    for entry in _messages(ZH_PO):
        wanted = sorted(_PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for index, text in entry.msgstr.items():
            if text and sorted(_PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{entry.label} msgstr[{index}]: {sorted(_PLACEHOLDER.findall(text))} != {wanted}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_english_catalogue_leaves_msgstr_empty():
    en_po = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
    assert "Language: en\n" in _header(en_po)
    filled = [entry.label for entry in _messages(en_po) if any(entry.msgstr.values())]
    assert not filled, "English falls back to the msgid; leave msgstr empty:\n" + "\n".join(filled)


def _catalog(mo_path: Path) -> dict:
    with mo_path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_compiled_catalogue_is_up_to_date(po_path, tmp_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing; run compilemessages"
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext msgfmt is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po_path)], check=True, capture_output=True)
    committed, expected = _catalog(mo_path), _catalog(fresh)
    stale = sorted(repr(key) for key in committed.keys() | expected.keys() if committed.get(key) != expected.get(key))
    assert not stale, f"{mo_path} is older than {po_path.name}; run compilemessages. Differing:\n" + "\n".join(
        stale[:50]
    )


def test_chinese_is_served_for_zh_hans():
    from cases.models import SkillLevel

    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
        assert str(SkillLevel(1).label) == "一级/高级技师"
        assert str(SkillLevel(5).label) == "五级/初级工"
        assert translation.gettext("Row %(line)d: %(error)s") % {"line": 3, "error": "x"} == "第 3 行：x"


def test_english_falls_back_to_the_msgid():
    from cases.models import SkillLevel

    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
        assert str(SkillLevel(1).label) == "Level 1 / Senior technician"
