"""WSGI entry point: gunicorn serves all plain HTTP (gunicorn.conf.py says why)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()
settings.SECRET_KEY  # noqa: B018 - refuse to start without one (settings.py)
