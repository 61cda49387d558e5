import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reef.settings")
application = get_wsgi_application()
# Import every URLconf and view now, before gunicorn (--preload) forks: workers start
# warm, share that memory, and never import code from disk in the middle of serving.
get_resolver().url_patterns  # noqa: B018
