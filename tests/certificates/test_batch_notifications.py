"""The body is told when its result batch is registered, returned or rejected, once per event."""

import pytest

from cases.certificates.services import batches as services
from tests.certificates.conftest import good_rows, imported_batch, make_plan
from workflow.models import Notification, NotificationKind
from workflow.notifications import notification_text

pytestmark = pytest.mark.django_db


def _submitted(filing, applicant, start=0):
    batch = imported_batch(make_plan(filing, applicant), applicant, good_rows(3, start=start))
    return services.result_batch_submit(batch=batch, actor=applicant)


def test_registration_and_return_are_told_to_the_bodys_members(filing, applicant, reviewer):
    batch = _submitted(filing, applicant)
    services.result_batch_return(batch=batch, actor=reviewer, reasons=["第2行成绩有误"])
    returned = Notification.objects.get(recipient=applicant, kind=NotificationKind.BATCH_DECIDED)
    assert returned.data["outcome"] == "returned" and returned.data["due_on"]
    assert "resubmit by" in notification_text(returned)
    services.result_batch_submit(batch=batch, actor=applicant)
    services.result_batch_approve(batch=batch, actor=reviewer)
    outcomes = sorted(
        Notification.objects.filter(recipient=applicant, kind=NotificationKind.BATCH_DECIDED).values_list(
            "data__outcome", flat=True
        )
    )
    assert outcomes == ["registered", "returned"]
    registered = Notification.objects.get(recipient=applicant, data__outcome="registered")
    assert "3 certificates" in notification_text(registered)
    assert not Notification.objects.filter(recipient=reviewer, kind=NotificationKind.BATCH_DECIDED).exists()


def test_a_rejection_is_told_too(filing, applicant, reviewer):
    batch = _submitted(filing, applicant)
    services.result_batch_reject(batch=batch, actor=reviewer, reasons="考评员不在备案名单")
    [notice] = Notification.objects.filter(recipient=applicant, kind=NotificationKind.BATCH_DECIDED)
    assert notice.data["outcome"] == "rejected" and notice.url.endswith(f"/batches/{batch.pk}/")
