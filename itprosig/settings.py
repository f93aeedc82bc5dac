"""itprosig settings, read from the environment.

With nothing set, the app runs embedded: SQLite, Celery tasks run eagerly in-process, email written
as files under var/mail/, local-memory cache. Setting DATABASE_URL, CELERY_BROKER_URL, CACHE_URL and
EMAIL_URL switches each piece to a real service (PostgreSQL, Redis, SMTP).
"""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# The embedded default key only ever serves a development machine; production sets SECRET_KEY.
# Its "django-insecure-" prefix makes `check --deploy` report it if production forgets to.
SECRET_KEY = env.str(
    "SECRET_KEY", default="django-insecure-embedded-default-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base for links in email (unsubscribe, check-in QR codes, account links): never the request's host.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The name members know the site by, in email greetings, subjects and footers.
SITE_NAME = env.str("SITE_NAME", default="itprosig")

INSTALLED_APPS = [
    "itprosig.apps.ItprosigAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "rules",
    "chapters",
    "members",
    "meetings",
    "speakers",
    "community",
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything looks the address up: a NUL byte gets the 400 page, never a 500.
    "itprosig.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below static files, above everything a cached page does not need (see itprosig.page_cache).
    "itprosig.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "itprosig.urls"
WSGI_APPLICATION = "itprosig.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "itprosig.context_processors.site",
            ],
            # Its `date` filter replaces Django's: French dates read « 1er septembre », zones « HNE ».
            "builtins": ["itprosig.templatetags.dates"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'itprosig.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and "DATABASE_URL" not in env:
    # The embedded database needs its folder; a fresh clone has none until something runs here.
    VAR_DIR.mkdir(exist_ok=True)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A connection kept open between requests is checked before a request reuses it.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", DATABASES["default"]["CONN_MAX_AGE"] != 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the embedded database usable while eager tasks write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://itprosig")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "itprosig.redis_cache.RedisCache"
# Anonymous public pages are cached whole and dropped on any change; this bounds writes that
# bypass model signals (bulk updates).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# A member's own pages list what is upcoming: a meeting that ends moves within a minute.
MEMBER_PAGE_CACHE_SECONDS = env.int("MEMBER_PAGE_CACHE_SECONDS", default=60)

AUTH_USER_MODEL = "members.Member"
AUTHENTICATION_BACKENDS = [
    # Named permissions from chapters/rules.py answer user.has_perm() and {% has_perm %}.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "members:me"

# django-allauth: email is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks the name members are greeted by (members/signup.py).
ACCOUNT_FORMS = {"signup": "members.signup.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# A confirmation link is never confirmed by a GET from just anyone (mail scanners open links); the
# browser that signed up confirms in one click all the same (members.account_views).
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address in the browser that signed up logs the new member straight in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
# Subjects end with SITE_NAME (members.adapter.AccountAdapter.format_email_subject).
# A member is told by email when their password or address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# A member who forgot their password logs in with a code sent by email; email takes a while, so the
# code lives 10 minutes rather than allauth's 3.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("ACCOUNT_RATE_LIMITS_ENABLED", default=True)
# How many proxies of ours append to X-Forwarded-For in front of the app (1 behind the TLS proxy).
# Rate limits key on the address the outermost of them saw (itprosig.client_ip); 0 trusts none.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
# One French catalogue per app (<app>/locale/), and one for the project's own templates (locale/).
# `makemessages` files each string under the first of these whose folder holds its source, so the
# project-wide catalogue comes last.
LOCALE_PATHS = [
    *(
        BASE_DIR / app / "locale"
        for app in ("chapters", "members", "meetings", "speakers", "community", "itprosig")
    ),
    BASE_DIR / "locale",
]
USE_I18N = True
USE_TZ = True
# Storage is UTC; pages convert to the chapter's zone. This is only the fallback for admin forms.
TIME_ZONE = "America/Toronto"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG


def _mailer(url):
    """Return Django's MAILERS entry for an EMAIL_URL; unset, files under var/mail/ for a newcomer to read."""
    if not url:
        return {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": VAR_DIR / "mail"},
        }
    parsed = environ.Env.email_url_config(url)
    backend = parsed["EMAIL_BACKEND"]
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options = {
            "host": parsed.get("EMAIL_HOST", "localhost"),
            "port": parsed.get("EMAIL_PORT", 25),
            "username": parsed.get("EMAIL_HOST_USER", ""),
            "password": parsed.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": parsed.get("EMAIL_USE_TLS", False),
            "use_ssl": parsed.get("EMAIL_USE_SSL", False),
            # Seconds before an SMTP connection attempt gives up.
            "timeout": env.int("EMAIL_TIMEOUT", default=20),
        }
    elif backend == "django.core.mail.backends.filebased.EmailBackend":
        options = {"file_path": parsed.get("EMAIL_FILE_PATH") or VAR_DIR / "mail"}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer(env.str("EMAIL_URL", default=""))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="itprosig <noreply@itprosig.example.org>")
NEWSLETTER_FROM_EMAIL = env.str("NEWSLETTER_FROM_EMAIL", default="news@itprosig.example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbox and newsletter sending (see README, "Mail settings").
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=8)
MAIL_RETRY_BASE_SECONDS = env.float("MAIL_RETRY_BASE_SECONDS", default=30.0)
MAIL_RETRY_MAX_SECONDS = env.float("MAIL_RETRY_MAX_SECONDS", default=3600.0)
# The sweeper leaves rows this young to the send task queued when they were committed.
MAIL_SWEEP_GRACE_SECONDS = env.float("MAIL_SWEEP_GRACE_SECONDS", default=60.0)
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=100)
# Newsletter deliveries are marked sent this many at a time; a killed worker repeats at most these.
MAIL_MARK_SENT_EVERY = env.int("MAIL_MARK_SENT_EVERY", default=20)
# A worker renews its claim on a newsletter batch as it sends; a claim older than this means the
# worker died, and the rest of the batch is queued again.
MAIL_BATCH_LEASE_SECONDS = env.float("MAIL_BATCH_LEASE_SECONDS", default=120.0)
# A batch queued this long ago that no worker ever took was lost by the broker: queue it again.
MAIL_BATCH_QUEUE_TIMEOUT_SECONDS = env.float("MAIL_BATCH_QUEUE_TIMEOUT_SECONDS", default=3600.0)
# CASL wants an unsubscribe link to work for at least 60 days after sending.
UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", default=365)
# Reminders go to members going to a meeting that starts within this many hours.
REMINDER_HOURS_BEFORE = env.int("REMINDER_HOURS_BEFORE", default=24)
# Members who opted in to a chapter's announcements and have not answered are reminded this many
# days before an announced meeting, once; 0 sends no such reminder.
UNANSWERED_REMINDER_DAYS_BEFORE = env.int("UNANSWERED_REMINDER_DAYS_BEFORE", default=3)
# The door closes to volunteers this many hours after a meeting ends; organizers may still correct.
CHECKIN_CLOSES_HOURS_AFTER = env.int("CHECKIN_CLOSES_HOURS_AFTER", default=12)

# Celery. With no broker, tasks run eagerly in-process so the embedded mode needs nothing running.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down: an RSVP must not wait on it. The email is in
# the outbox already, and the sweeper queues it once the broker is back.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Transactional mail and bulk mail are separate queues, so a newsletter never delays a confirmation.
CELERY_TASK_ROUTES = {
    "members.tasks.send_outbox_message": {"queue": "mail"},
    "members.tasks.*newsletter*": {"queue": "bulk"},
}
# Beat keeps its schedule in memory: every entry is a short interval, so nothing is lost by starting
# afresh, and no schedule file needs a writable, lockable disk.
CELERY_BEAT_SCHEDULER = "celery.beat:Scheduler"
CELERY_BEAT_SCHEDULE = {
    # Re-queue email lost on the way (broker down, worker killed) and start scheduled newsletters.
    "mail-sweep-outbox": {
        "task": "members.tasks.sweep_outbox",
        "schedule": env.float("MAIL_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    "meetings-send-reminders": {
        "task": "meetings.tasks.send_meeting_reminders",
        "schedule": env.float("REMINDER_INTERVAL_SECONDS", default=900.0),
    },
    # Feedback requests a day after each meeting, and volunteers' reminders before it.
    "community-follow-up": {
        "task": "community.tasks.send_community_mail",
        "schedule": env.float("COMMUNITY_MAIL_INTERVAL_SECONDS", default=900.0),
    },
}
CELERY_TIMEZONE = "UTC"

# Security. Production runs with DEBUG off behind a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache on every logged-in request and kept in the database too, so
# a cache flush logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
