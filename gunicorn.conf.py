"""gunicorn serves Lapak's HTTP; daphne serves only its WebSockets (see docs/benchmarks.md).

Django under ASGI pays for a new thread per request and a thread hop at every synchronous
middleware; on this project's pages that cost daphne and uvicorn most of their throughput, so
plain HTTP goes through WSGI. Settings come from the environment like everything else.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Measured on 2 cores: 3 workers x 4 threads beat 2x8 and 4x2 (bench/pages.py, docs/benchmarks.md).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never take a host down (0: never).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

_debug = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on")
reload = _debug
accesslog = "-" if _debug else None
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
