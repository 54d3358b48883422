from cases.models.applications import (
    ApplicationState,
    Attachment,
    Deficiency,
    EvaluationMethod,
    EvaluationStandard,
    FilingApplication,
    RosterMember,
    ScopeItem,
    TargetPopulation,
    Venue,
)
from cases.models.assessments import ExpertPanel, ExpertScore
from cases.models.documents import GeneratedDocument
from cases.models.filings import Filing, FilingScope, NoticeObjection
from cases.models.inspections import DEFAULT_CHECKLIST, InspectionFinding, SiteInspection
from cases.models.numbering import NumberSequence
from cases.models.occupations import District, Occupation, SkillLevel
from cases.models.organisations import Organisation

__all__ = [
    "DEFAULT_CHECKLIST",
    "ApplicationState",
    "Attachment",
    "Deficiency",
    "District",
    "EvaluationMethod",
    "EvaluationStandard",
    "ExpertPanel",
    "ExpertScore",
    "Filing",
    "FilingApplication",
    "FilingScope",
    "GeneratedDocument",
    "InspectionFinding",
    "NumberSequence",
    "NoticeObjection",
    "Occupation",
    "Organisation",
    "RosterMember",
    "ScopeItem",
    "SiteInspection",
    "SkillLevel",
    "TargetPopulation",
    "Venue",
]
