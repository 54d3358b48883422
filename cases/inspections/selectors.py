"""Reads for the inspection and assessment parts of a case: who is drawn, what they found, the blind panel."""

from dataclasses import dataclass

from django.conf import settings

from cases.draws.selectors import _seats, is_manager, may_read_draws
from cases.inspections import services as inspection_services
from cases.models import (
    Draw,
    DrawSeat,
    InspectionFinding,
    SiteInspection,
)
from cases.models.inspections import conclude


@dataclass
class InspectionView:
    inspection: SiteInspection
    seats: list[DrawSeat]
    draws: list[Draw]
    findings: list[InspectionFinding]
    own_seat: DrawSeat | None
    may_record: bool
    is_leader: bool
    is_open: bool
    may_manage: bool
    may_read_draws: bool
    computed: str = ""
    photo_count: int = 0

    @property
    def pending_own_seat(self) -> bool:
        return self.own_seat is not None and self.own_seat.status == DrawSeat.Status.PENDING

    @property
    def computed_label(self) -> str:
        return SiteInspection.Conclusion(self.computed).label if self.computed else ""


def inspection_view(*, application, inspection: SiteInspection | None = None, user) -> InspectionView | None:
    inspection = inspection or application.inspections.first()
    if inspection is None:
        return None
    inspection_draws = Draw.objects.filter(inspection=inspection)
    seats = _seats(inspection_draws)
    own = next((s for s in seats if s.user_id == user.pk and s.is_active), None)
    findings = list(inspection.findings.prefetch_related("photos").select_related("recorded_by"))
    is_open = inspection_services.inspection_is_open(inspection)
    complete = bool(findings) and all(f.result for f in findings)
    return InspectionView(
        inspection=inspection,
        seats=seats,
        draws=list(inspection_draws.order_by("drawn_at", "pk")) if may_read_draws(user) else [],
        findings=findings,
        own_seat=own,
        may_record=is_open and inspection_services.team_member_may_record(inspection, user),
        is_leader=inspection.leader_id == user.pk,
        is_open=is_open,
        may_manage=is_open and is_manager(user),
        may_read_draws=may_read_draws(user),
        computed=conclude(findings, basically_share=settings.INSPECTION_BASICALLY_MEETS_SHARE) if complete else "",
        photo_count=sum(len(f.photos.all()) for f in findings),
    )
