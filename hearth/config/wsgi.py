"""WSGI entry point: production runs gunicorn on `hearth.config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.config.settings")
application = get_wsgi_application()
