"""WSGI entry point, used only to benchmark HTTP against a WSGI server (docs/benchmarks.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()
