"""Settings for the filing-approval system, read from the environment.

Production needs at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; everything
else has a default that suits the embedded (SQLite, no broker) set-up.
"""

from datetime import timedelta
from pathlib import Path

import csp.constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# A development checkout keeps its settings in .env (written by `make run`), so manage.py commands work as is.
load_env_file(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for development).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_filters",
    "django_fsm",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "cases",
    "workflow",
    "audits",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cases.common.uploads.UploadLimitMiddleware",  # before CSRF, which reads the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audits.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cases.accounts.middleware.SessionTimeoutMiddleware",
    "cases.accounts.middleware.AccountRequirementsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "cases.accounts.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

if not DEBUG:  # in development runserver serves static files itself
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflow.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "audits.backends.postgresql"  # chains audit events just before COMMIT
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "cases.accounts.backends.AxesBackend",  # first: refuses locked-out accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_RAISE_403 = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "cases.accounts.policy.LettersAndDigitsValidator"},
    {"NAME": "cases.accounts.policy.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/app/"
LOGOUT_REDIRECT_URL = "login"

# Language and time: the UI speaks Chinese first, dates follow Chinese conventions.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Not the manifest variant: viewflow's bundled CSS references a font file it does not ship,
        # which makes manifest post-processing fail.
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Redis and Celery: without REDIS_URL jobs run in-process (eager), as in `make run`.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "filing@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: secure defaults whenever DEBUG is off (`check --deploy` stays clean).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Permissions-Policy (cases.accounts.middleware): browser features no page uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# Content-Security-Policy (django-csp): scripts only from our own static files, on every page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],  # viewflow's theme colours and style attributes; not scripts
        "img-src": [csp.SELF, "data:"],  # QR codes are data: URLs
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Sign-in security (cases.accounts). Lockout (django-axes): LOGIN_FAILURE_LIMIT failed sign-ins for one
# account or from one address within LOGIN_LOCKOUT_MINUTES block both for that long.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cases.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cases.accounts.policy.client_ip_or_none"
AXES_VERBOSE = False
# Two factors (django-otp, TOTP + recovery codes) for these roles and every staff account; off only with DEBUG.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
if not TWO_FACTOR_REQUIRED and not DEBUG:
    raise ImproperlyConfigured("TWO_FACTOR_REQUIRED can be switched off only with DEBUG=1.")
TWO_FACTOR_ROLES = ["clerk", "chief", "approver", "supervisor", "auditor", "admin"]
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "技能等级认定备案")
# Sessions: signed out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT
# seconds after signing in whatever happens; the session key changes at sign-in and at the second factor.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pypdf": {"level": "ERROR"},  # warns about every damaged file an upload check refuses or repairs
        "axes": {"level": "WARNING"},  # every sign-in at INFO; failures and lockouts are in the audit trail
    },
}

# Domain settings.
AUDIT_RETENTION_DAYS = max(env_int("AUDIT_RETENTION_DAYS", 183), 183)
# Numbers: {year} and {seq} are filled in; seq counts per year without gaps.
APPLICATION_NUMBER_PATTERN = env_str("APPLICATION_NUMBER_PATTERN", "京技备申{year}{seq:05d}")
FILING_NUMBER_PATTERN = env_str("FILING_NUMBER_PATTERN", "京技备{year}{seq:05d}")
FILING_VALIDITY_YEARS = env_int("FILING_VALIDITY_YEARS", 5)
ASSESSMENT_PASS_MARK = env_int("ASSESSMENT_PASS_MARK", 60)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
ISSUING_AUTHORITY = env_str("ISSUING_AUTHORITY", "北京市人力资源和社会保障局")
EXPERT_PANEL_SIZE = env_int("EXPERT_PANEL_SIZE", 3)
# Draws, site inspection and expert assessment.
INSPECTION_TEAM_SIZE = env_int("INSPECTION_TEAM_SIZE", 2)
DRAW_ROTATION_MONTHS = env_int("DRAW_ROTATION_MONTHS", 12)  # not drawn for the same organisation again; 0: off
INSPECTION_BASICALLY_MEETS_SHARE = env_int("INSPECTION_BASICALLY_MEETS_SHARE", 80)  # % of applicable weight passed
ASSESSMENT_TRIM_FROM = env_int("ASSESSMENT_TRIM_FROM", 5)  # drop highest and lowest from this many experts; 0: never
ASSESSMENT_DISAGREEMENT_MARGIN = env_int("ASSESSMENT_DISAGREEMENT_MARGIN", 15)  # points between highest and lowest
INSPECTION_PHOTO_MAX_PIXELS = env_int("INSPECTION_PHOTO_MAX_PIXELS", 50_000_000)
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Skill-level certificates: number parts, deadlines, imports, public verification, background jobs.
CERTIFICATE_MINISTRY_CODE = env_str("CERTIFICATE_MINISTRY_CODE", "0000")  # 0000: filed with the province
CERTIFICATE_PROVINCE_CODE = env_str("CERTIFICATE_PROVINCE_CODE", "11")  # Beijing
ASSESSMENT_PLAN_NUMBER_PATTERN = env_str("ASSESSMENT_PLAN_NUMBER_PATTERN", "京技认计{year}{seq:06d}")
RESULT_BATCH_NUMBER_PATTERN = env_str("RESULT_BATCH_NUMBER_PATTERN", "京技认报{year}{seq:06d}")
SELECTION_CALL_NUMBER_PATTERN = env_str("SELECTION_CALL_NUMBER_PATTERN", "京技遴{year}{seq:03d}")
# Working days after the assessment within which results are reported, by kind of body.
RESULTS_DUE_WORKING_DAYS = {
    "enterprise": env_int("RESULTS_DUE_DAYS_ENTERPRISE", 10),
    "social": env_int("RESULTS_DUE_DAYS_SOCIAL", 5),
}
CERTIFICATE_PASS_MARK = env_int("CERTIFICATE_PASS_MARK", 60)
RESULT_IMPORT_MAX_ROWS = env_int("RESULT_IMPORT_MAX_ROWS", 200_000)
RESULT_IMPORT_MAX_BYTES = env_int("RESULT_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Uploads (cases.common.uploads): per-file limits by view name (else UPLOAD_MAX_BYTES), counted while the
# body is read; a request larger than UPLOAD_MAX_REQUEST_BYTES is refused before it is read at all.
UPLOAD_LIMITS = {"certificates:batch_import": RESULT_IMPORT_MAX_BYTES, "api:batch_file": RESULT_IMPORT_MAX_BYTES}
UPLOAD_MAX_REQUEST_BYTES = env_int(
    "UPLOAD_MAX_REQUEST_BYTES", max(RESULT_IMPORT_MAX_BYTES, 10 * UPLOAD_MAX_BYTES) + 1024 * 1024
)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 50_000_000)  # images attached to applications and answers
# Resident ID numbers are stored as an HMAC under this key (matching without keeping the number).
# Set it apart from SECRET_KEY in production and never change it: old hashes would stop matching.
ID_NUMBER_HMAC_KEY = env_str("ID_NUMBER_HMAC_KEY", "") or SECRET_KEY
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 20)  # public look-ups per client address and window
VERIFY_RATE_WINDOW = env_int("VERIFY_RATE_WINDOW", 600)  # seconds
# Client addresses: X-Forwarded-For is believed only through these reverse proxies (a number of proxies,
# or their addresses/networks, comma-separated); empty: REMOTE_ADDR is the client (cases.common.ratelimit).
_trusted_proxies = env_str("TRUSTED_PROXIES", "").strip()
TRUSTED_PROXIES = int(_trusted_proxies) if _trusted_proxies.isdigit() else env_list("TRUSTED_PROXIES", [])
# How imports and certificate downloads run: "celery" (with REDIS_URL), "thread" (in the web process,
# the embedded default) or "inline" (in the request itself; tests).
BACKGROUND_JOBS = env_str("BACKGROUND_JOBS", "celery" if REDIS_URL else "thread")

# Deadlines, escalation and notification jobs (workflow): working days, seconds.
SLA_WARNING_WORKING_DAYS = env_int("SLA_WARNING_WORKING_DAYS", 1)  # "due soon": due within this many working days
SLA_ESCALATION_GRACE_WORKING_DAYS = env_int("SLA_ESCALATION_GRACE_WORKING_DAYS", 2)  # overdue longer: the chief
SLA_SWEEP_INTERVAL = env_int("SLA_SWEEP_INTERVAL", 900)
WORKFLOW_TIMERS_INTERVAL = env_int("WORKFLOW_TIMERS_INTERVAL", 60)
JOB_RETRY_BACKOFF_MAX = env_int("JOB_RETRY_BACKOFF_MAX", 600)
# Without REDIS_URL, runserver runs the periodic jobs from a thread of its own (no beat needed).
EMBEDDED_SCHEDULER = env_bool("EMBEDDED_SCHEDULER", not REDIS_URL)
EMBEDDED_SCHEDULER_DELAY = env_int("EMBEDDED_SCHEDULER_DELAY", 30)

# REST API (api/): API keys or the signed-in session; per-key and per-address rate limits (429 with
# Retry-After); the OpenAPI schema from drf-spectacular, Swagger UI and Redoc served from our static files.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerKeyThrottle", "api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anonymous": env_str("API_ANONYMOUS_RATE", "60/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_KEY_DEFAULT_RATE = env_int("API_KEY_DEFAULT_RATE", 120)  # requests per minute of a new key
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)  # how long a retried POST is recognised
WEBHOOK_INTERVAL = env_int("WEBHOOK_INTERVAL", 30)  # seconds between runs of the webhook outbox
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)  # seconds per attempt
# Plain http:// receivers on loopback addresses only (development and tests); production needs https.
WEBHOOK_ALLOW_LOOPBACK_HTTP = env_bool("WEBHOOK_ALLOW_LOOPBACK_HTTP", DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "技能等级认定机构备案 API / Skill-level certification filing API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "api.enums.APPLICATION_STATE",
        "BatchStateEnum": "api.enums.BATCH_STATE",
        "CaseStateEnum": "api.enums.CASE_STATE",
        "CertificateStatusEnum": "api.enums.CERTIFICATE_STATUS",
        "FilingStatusEnum": "api.enums.FILING_STATUS",
        "ImportStatusEnum": "api.enums.IMPORT_STATUS",
        "OrderStatusEnum": "api.enums.ORDER_STATUS",
        "VerifyStatusEnum": "api.enums.VERIFY_STATUS",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.describe"],
}

# Documents (文书): numbers (文号), signatures (PAdES B-B, pyHanko), offline QR payloads (Ed25519).
# Number patterns per kind and year; {year} and {seq} are filled in, seq counts per kind and year without gaps.
# A skill-level certificate's document number is its certificate number.
DOCUMENT_NUMBER_PATTERNS = {
    kind: env_str(f"DOCUMENT_NUMBER_{kind.upper()}", default)
    for kind, default in {
        "submission_receipt": "京人社技备收字〔{year}〕第{seq:05d}号",
        "acceptance_notice": "京人社技备受字〔{year}〕第{seq:05d}号",
        "supplement_notice": "京人社技备补字〔{year}〕第{seq:05d}号",
        "rejection_notice": "京人社技备不字〔{year}〕第{seq:05d}号",
        "inspection_report": "京人社技备考字〔{year}〕第{seq:05d}号",
        "assessment_report": "京人社技备评字〔{year}〕第{seq:05d}号",
        "decision": "京人社技备决字〔{year}〕第{seq:05d}号",
        "filing_certificate": "京人社技备字〔{year}〕第{seq:05d}号",
        "rectification_notice": "京人社技监改字〔{year}〕第{seq:05d}号",
        "sanction_decision": "京人社技监处字〔{year}〕第{seq:05d}号",
        "selection_call": "京人社技遴告字〔{year}〕第{seq:05d}号",
        "selection_ranking": "京人社技遴公字〔{year}〕第{seq:05d}号",
        "selection_notice": "京人社技遴通字〔{year}〕第{seq:05d}号",
    }.items()
}
# The signing key: a PKCS#12 file and its passphrase, or a PKCS#11 token (HSM) with DOCUMENT_SIGNING_BACKEND=pkcs11.
# With DEBUG, the demo material that `manage.py document_signing_demo` (run by `make run`) creates.
DOCUMENT_SIGNING_DEMO_DIR = Path(env_str("DOCUMENT_SIGNING_DEMO_DIR", str(BASE_DIR / "var" / "signing-demo")))
DOCUMENT_SIGNING_BACKEND = env_str("DOCUMENT_SIGNING_BACKEND", "pkcs12")
DOCUMENT_SIGNING_PKCS12 = env_str(
    "DOCUMENT_SIGNING_PKCS12", str(DOCUMENT_SIGNING_DEMO_DIR / "demo-bureau-signing.p12") if DEBUG else ""
)
DOCUMENT_SIGNING_PASSPHRASE = env_str("DOCUMENT_SIGNING_PASSPHRASE", "demo-only" if DEBUG else "")
# CA certificates (PEM/DER files) a signature must chain to to count as the bureau's; empty: the CA
# certificates inside the PKCS#12 file (or the signing certificate itself).
DOCUMENT_SIGNING_TRUST_ROOTS = env_list("DOCUMENT_SIGNING_TRUST_ROOTS", [])
DOCUMENT_SIGNING_PKCS11_MODULE = env_str("DOCUMENT_SIGNING_PKCS11_MODULE", "")  # the vendor's .so
DOCUMENT_SIGNING_PKCS11_TOKEN = env_str("DOCUMENT_SIGNING_PKCS11_TOKEN", "")
DOCUMENT_SIGNING_PKCS11_KEY_LABEL = env_str("DOCUMENT_SIGNING_PKCS11_KEY_LABEL", "")
DOCUMENT_SIGNING_PKCS11_CERT_LABEL = env_str("DOCUMENT_SIGNING_PKCS11_CERT_LABEL", "")
DOCUMENT_SIGNING_PKCS11_PIN = env_str("DOCUMENT_SIGNING_PKCS11_PIN", "")
# The Ed25519 key (PEM, PKCS#8) signing certificate QR payloads; earlier public keys stay valid for verification.
DOCUMENT_QR_KEY = env_str("DOCUMENT_QR_KEY", str(DOCUMENT_SIGNING_DEMO_DIR / "demo-qr-ed25519.pem") if DEBUG else "")
DOCUMENT_QR_KEY_PASSPHRASE = env_str("DOCUMENT_QR_KEY_PASSPHRASE", DOCUMENT_SIGNING_PASSPHRASE)
DOCUMENT_QR_PUBLIC_KEYS = env_list("DOCUMENT_QR_PUBLIC_KEYS", [])
# /verify/document/: uploads per client address and window (seconds), largest file accepted.
DOCUMENT_VERIFY_RATE_LIMIT = env_int("DOCUMENT_VERIFY_RATE_LIMIT", 10)
DOCUMENT_VERIFY_RATE_WINDOW = env_int("DOCUMENT_VERIFY_RATE_WINDOW", 600)
DOCUMENT_VERIFY_MAX_BYTES = env_int("DOCUMENT_VERIFY_MAX_BYTES", UPLOAD_MAX_BYTES)  # as the upload middleware
# Certificates of a registered batch render in background jobs of this many documents each.
DOCUMENT_RENDER_CHUNK = env_int("DOCUMENT_RENDER_CHUNK", 25)
CELERY_IMPORTS = ["cases.documents.jobs"]
# The procedure (issue 14): online objections to a public notice per client address and window (seconds);
# whether the applicant sees the experts' names and scores once the application is decided.
OBJECTION_RATE_LIMIT = env_int("OBJECTION_RATE_LIMIT", 5)
OBJECTION_RATE_WINDOW = env_int("OBJECTION_RATE_WINDOW", 3600)
APPLICANT_SEES_EXPERT_SCORES = env_bool("APPLICANT_SEES_EXPERT_SCORES", False)
