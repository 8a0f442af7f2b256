"""Lapak settings: one file, everything from the environment.

Production is the default; `make run` loosens it with DEBUG=1. See docs/deployment.md for the
variables. Tests override what they must in tests/conftest.py.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from marketplace.redis_pools import async_retry_once

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Left empty when DEBUG is off and none is set: Django raises ImproperlyConfigured at the first
# use of settings.SECRET_KEY, so commands that only read the code (makemigrations --check,
# makemessages, check) run without one, and the servers refuse to start (marketplace/wsgi.py,
# asgi.py read it at once).
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` is the ASGI one
    "marketplace.apps.LapakAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "rest_framework",
    "django_filters",
    "channels",
    "csp",
    "django_htmx",
    "marketplace",
    "shops",
    "orders",
    "live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # request.htmx: whether htmx asked (HX-Request), for views that answer it with a fragment.
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so its 400 still gets the security headers above.
    "marketplace.middleware.RejectNullCharactersMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"

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
                "orders.context_processors.cart",
                "marketplace.context_processors.notifications",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lapak")}
# A connection pool per process (psycopg_pool). Persistent connections (CONN_MAX_AGE) leak under
# ASGI, where each request may run in another thread; Django's docs recommend the pool instead.
if env.bool("DATABASE_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Parallel test runs (several checkouts on one server) each name their own test database.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CACHES = {
    # Copies of what PostgreSQL holds: a miss while Redis is unreachable (marketplace/cache.py).
    "default": {
        "BACKEND": "marketplace.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="lapak"),
        "TIMEOUT": 300,
    }
}
# Sessions live in PostgreSQL (losing Redis logs nobody out); the cache only speeds reads.
SESSION_ENGINE = "marketplace.sessions"  # cached_db, taking only keys it makes

# RedisChannelLayer: with each room's fan-out in its process (live/local_room.py) the two
# channels-redis layers measure alike (docs/benchmarks.md, live_room), and only this one tells a
# process that Redis went away; RedisPubSubChannelLayer resubscribes by itself after a restart, so
# a socket would stay open and silently miss what was pushed meanwhile instead of reconnecting and
# reading the room again (tests/live/test_multiprocess.py).
CHANNEL_LAYER_BACKEND = env("CHANNEL_LAYER_BACKEND", default="channels_redis.core.RedisChannelLayer")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": CHANNEL_LAYER_BACKEND,
        "CONFIG": {
            # redis-py's pool refuses past 100 connections: a crowd of sockets (re)connecting at
            # once, each joining its groups, would see most handshakes fail.
            "hosts": [
                {
                    "address": REDIS_URL,
                    "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=1000),
                    # Once, for a connection opened before a Redis restart (marketplace/redis_pools.py).
                    "retry": async_retry_once(),
                    # A receive waits in a BZPOPMIN of 5 s (channels-redis's brpop_timeout), and
                    # redis-py 8 reads with a 5 s timeout unless told: a process that heard nothing
                    # for 5 s lost its receives and so its sockets. Longer than the pop, and still
                    # bounded, so a Redis that hangs is noticed (and a push after a commit waits
                    # on it no longer than this).
                    "socket_timeout": 10,
                }
            ],
            "prefix": env("CHANNEL_LAYER_PREFIX", default="lapak"),
        },
    }
}
# Only RedisChannelLayer queues messages in Redis: at most `capacity` waiting per channel (and per
# socket in the process), dropped after `expiry` seconds. RedisPubSubChannelLayer publishes and
# forgets; it has no such bounds and would silently ignore the keys.
if CHANNEL_LAYER_BACKEND == "channels_redis.core.RedisChannelLayer":
    CHANNEL_LAYERS["default"]["CONFIG"].update(
        capacity=env.int("CHANNEL_LAYER_CAPACITY", default=1000),
        expiry=env.int("CHANNEL_LAYER_EXPIRY", default=30),
    )
# Where browsers open the live rooms' WebSockets: "" = this site (a proxy sends /ws/ to daphne),
# or daphne's own origin when it listens apart, as with `make run` ("ws://127.0.0.1:8100").
LIVE_WEBSOCKET_ORIGIN = env("LIVE_WEBSOCKET_ORIGIN", default="").rstrip("/")
# How often a live room hears its viewer and like counts (live/local_room.py).
LIVE_TICK_SECONDS = env.float("LIVE_TICK_SECONDS", default=2.0)
# Which class relays live video signalling (live/video.py): peer to peer now, an SFU later.
LIVE_VIDEO_BACKEND = env("LIVE_VIDEO_BACKEND", default="live.video.PeerToPeerSignalling")
# Peer to peer, the host's uplink carries one copy of the video per viewer: this many at most.
LIVE_P2P_MAX_VIEWERS = env.int("LIVE_P2P_MAX_VIEWERS", default=20)
# Error reports go to Sentry only when a DSN is given; without one sentry_sdk is not even imported.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from marketplace.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# How long /readyz waits for each server (marketplace/health.py); they are asked side by side.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# STUN/TURN for browsers behind NAT, a JSON list of {urls, username?, credential?}; none by default.
LIVE_ICE_SERVERS = env.json("LIVE_ICE_SERVERS", default=[])

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_TASK_ACKS_LATE = False  # opted into per task, where running twice is safe
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Where tasks go unless routed; a deployment (or an end-to-end test) may use its own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE = {
    "refresh-category-typical-prices": {
        "task": "shops.tasks.refresh_category_typical_prices",
        "schedule": 60 * 60,
    },
    "expire-unpaid-orders": {
        "task": "orders.tasks.expire_unpaid_orders",
        "schedule": 60,
    },
    # Voucher expiry (orders/vouchers/expiry.py): hourly, so a warning lands 23-24 hours ahead.
    "warn-expiring-vouchers": {
        "task": "orders.tasks.warn_expiring_vouchers",
        "schedule": 60 * 60,
    },
    "deactivate-expired-vouchers": {
        "task": "orders.tasks.deactivate_expired_vouchers",
        "schedule": 15 * 60,
    },
    "poll-active-shipments": {
        "task": "orders.tasks.poll_active_shipments",
        "schedule": env.int("TRACKING_POLL_SECONDS", default=10 * 60),
    },
    "auto-complete-delivered-orders": {
        "task": "orders.tasks.auto_complete_delivered_orders",
        "schedule": 60 * 60,
    },
    "auto-approve-overdue-returns": {
        "task": "orders.tasks.auto_approve_overdue_returns",
        "schedule": 15 * 60,
    },
    # Live selling: deals end for everyone within seconds of their end time (claims and checkouts
    # also check the clock themselves), and a one-off item's lapsed hold passes on promptly.
    "end-due-flash-deals": {
        "task": "live.tasks.end_due_flash_deals",
        "schedule": 5,
    },
    "pass-lapsed-item-claims": {
        "task": "live.tasks.pass_lapsed_item_claims",
        "schedule": 15,
    },
}

# --- Orders ---------------------------------------------------------------------------------
# How long a buyer has to pay before the order is cancelled and its stock released.
ORDER_PAYMENT_WINDOW_MINUTES = env.int("ORDER_PAYMENT_WINDOW_MINUTES", default=60 * 24)
# Dotted path to the carrier-rate backend (orders/shipping.py); the rate table needs no network.
SHIPPING_BACKEND = env("SHIPPING_BACKEND", default="orders.shipping.RateTableBackend")
# Parcel tracking (orders/tracking/): "simulated" (parcels move with time, no network) or
# "biteship" (Biteship's tracking API, with BITESHIP_API_KEY).
TRACKING_BACKEND = env("TRACKING_BACKEND", default="simulated")
# How many times faster than real time simulated parcels travel: `make run` sets 720, so a
# three-day journey passes in six minutes of a demo.
SIMULATED_COURIER_SPEED = env.int("SIMULATED_COURIER_SPEED", default=1)
BITESHIP_API_KEY = env("BITESHIP_API_KEY", default="")
# After delivery: days until an order completes by itself, days the buyer may ask for a return,
# and hours the seller has to answer a return before it is approved automatically.
ORDER_AUTO_COMPLETE_DAYS = env.int("ORDER_AUTO_COMPLETE_DAYS", default=3)
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=2)
RETURN_RESPONSE_HOURS = env.int("RETURN_RESPONSE_HOURS", default=48)
# Payments (orders/payments/): Midtrans when its keys are set or DEBUG is off, else the built-in
# dev gateway (a simulator page that sends signed notifications, so the whole flow works offline).
# The dev gateway with DEBUG off refuses to start (orders.payments.gateway_check_configured).
MIDTRANS_SERVER_KEY = env("MIDTRANS_SERVER_KEY", default="")
MIDTRANS_CLIENT_KEY = env("MIDTRANS_CLIENT_KEY", default="")
MIDTRANS_IS_PRODUCTION = env.bool("MIDTRANS_IS_PRODUCTION", default=False)
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="midtrans" if MIDTRANS_SERVER_KEY or not DEBUG else "dev")
# The dev gateway signs its notifications with this key when no Midtrans key is configured.
PAYMENT_DEV_SERVER_KEY = "lapak-dev-gateway"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "marketplace.User"
AUTHENTICATION_BACKENDS = [
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
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_GET = False
# Refuses usernames that carry a contact (they are shown publicly when there is no display name).
ACCOUNT_ADAPTER = "marketplace.adapters.AccountAdapter"
# Login rate limits count per client address. Behind a proxy every request comes from the proxy's
# address, so one attacker would lock everyone out: with N proxies of ours in front (nginx: 1), the
# client is the N-th address from the right of X-Forwarded-For. 0 (default) trusts the header not at
# all, right when clients reach gunicorn directly (a client can write any X-Forwarded-For it likes).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {
        "BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Dev serves straight from the source folders; production from collectstatic's manifest.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

# Uploads: Pillow decides the type; these bound what we agree to decode (marketplace/images.py).
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=8 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preload-listing a domain binds it and every subdomain to HTTPS for months and is hard to undo, so
# it stays the operator's explicit choice (SECURE_HSTS_PRELOAD=1). Until they make it, `check
# --deploy` should not fail on its reminder (W021); every other deploy warning still counts.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts only from our own static files (htmx vendored, static/js/): no inline <script>, no CDN.
MEDIA_ORIGINS = env.list("MEDIA_ORIGINS", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
        "media-src": [SELF, "blob:", *MEDIA_ORIGINS],
        "connect-src": [SELF, *([LIVE_WEBSOCKET_ORIGIN] if LIVE_WEBSOCKET_ORIGIN else [])],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lapak <no-reply@lapak.local>")
# The public address of the site, for links in emails and gateway callbacks.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 24,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
