"""Choice sets named once in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])."""

from cases.models import (
    ApplicationState,
    BatchState,
    CaseState,
    CertificateState,
    Filing,
    RectificationOrder,
    ResultImport,
)

APPLICATION_STATE = ApplicationState.values
BATCH_STATE = BatchState.values
CASE_STATE = CaseState.values
CERTIFICATE_STATUS = CertificateState.values
FILING_STATUS = Filing.Status.values
IMPORT_STATUS = ResultImport.Status.values
ORDER_STATUS = RectificationOrder.Status.values
VERIFY_STATUS = ["valid", "revoked", "not_found"]
