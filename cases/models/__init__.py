from cases.models.occupations import District, Occupation, SkillLevel
from cases.models.organisations import Organisation

__all__ = ["District", "Occupation", "Organisation", "SkillLevel"]
