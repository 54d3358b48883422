import datetime
import decimal
import json
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits import mask_id_number
from audits.chain import verify_chain
from audits.models import AuditEvent
from audits.payload import json_safe
from audits.services import audit_record


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("110101199003071234", "110***********1234"),
        ("身份证号 11010119900307123X，已核验", "身份证号 110***********123X，已核验"),
        ("a 11010119900307123x b 320102198001010011", "a 110***********123x b 320***********0011"),
        ("card 6222021001122334455", "card 6222021001122334455"),  # 19 digits: not an ID number
        ("code 91110107AY4CL12TH0", "code 91110107AY4CL12TH0"),
        # A SHA-256 digest may hold 18 digits in a row; it is a hash, not an ID (a masked anchor hash
        # once broke the chain after a purge).
        ("80dd4a123456789012345678b9f0" + "e" * 36, "80dd4a123456789012345678b9f0" + "e" * 36),
    ],
)
def test_resident_id_numbers_are_masked(text, masked):
    assert mask_id_number(text) == masked


def test_payload_values_become_json_safe_and_file_contents_never_enter():
    upload = SimpleUploadedFile("营业执照-110101199003071234.pdf", b"%PDF secret content")
    safe = json_safe(
        {
            "day": datetime.date(2024, 5, 1),
            "at": datetime.datetime(2024, 5, 1, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
            "score": decimal.Decimal("87.50"),
            "ref": uuid.UUID(int=1),
            "path": Path("/srv/files/a.pdf"),
            "file": upload,
            "blob": b"raw bytes",
            "levels": {3, 1, 2},
            "pair": (1, "two"),
            "huge": 1e300,
            "nan": float("nan"),
            7: "int key",
        }
    )
    assert safe["day"] == "2024-05-01"
    assert safe["at"] == "2024-05-01T00:30:00+00:00"
    assert safe["score"] == "87.50"
    assert safe["ref"] == "00000000-0000-0000-0000-000000000001"
    assert safe["path"] == "/srv/files/a.pdf"
    assert safe["file"]["name"] == "营业执照-110***********1234.pdf" and len(safe["file"]["sha256"]) == 64
    assert safe["file"]["size"] == len(b"%PDF secret content")
    assert safe["blob"]["sha256"] and safe["levels"] == [1, 2, 3] and safe["pair"] == [1, "two"]
    assert (safe["huge"], safe["nan"], safe["7"]) == ("1e+300", "nan", "int key")
    dumped = json.dumps(safe, ensure_ascii=False)
    assert "secret" not in dumped and "raw bytes" not in dumped
    assert upload.read() == b"%PDF secret content"  # left readable for the caller


@pytest.mark.django_db
def test_payload_survives_the_database_round_trip_so_the_chain_verifies(organisation):
    data = {
        "holder": "张三 110101199003071234",
        "nested": {"list": [1, 2.5, 0.1, None, True, "\x00nul"], "when": datetime.date(2024, 1, 2)},
        "model": organisation,
        "score": decimal.Decimal("1E+2"),
        "unicode": "技能等级认定 ✓",
    }
    event = audit_record(actor=None, action="test.payload", obj=organisation, data=data)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == event.data
    assert stored.data["holder"] == "张三 110***********1234"
    assert stored.data["model"] == {"type": "cases.organisation", "id": str(organisation.pk)}
    assert stored.data["nested"]["list"][-1] == "nul"
    assert "110101199003071234" not in json.dumps(stored.data)
    assert verify_chain() >= 1


@pytest.mark.django_db
def test_id_number_used_as_user_name_is_masked_in_the_actor_label():
    from tests.factories import UserFactory

    user = UserFactory(username="110101199003071234")
    event = audit_record(actor=user, action="test.payload", object_type="t", object_id="110101199003071234")
    assert event.actor_label == "110***********1234" and event.object_id == "110***********1234"
