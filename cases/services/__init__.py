"""Writes on the cases domain, one module per area; reference-data services re-exported here."""

from cases.services.reference import OccupationImportResult, occupations_import_csv, organisation_create

__all__ = ["OccupationImportResult", "occupations_import_csv", "organisation_create"]
