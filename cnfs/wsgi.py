import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cnfs.settings")
application = get_wsgi_application()
# Every view module imported now rather than at each worker's first request (about 0.3 s
# each): with gunicorn's --preload, once in the master, shared by the workers it forks.
get_resolver().url_patterns  # noqa: B018
