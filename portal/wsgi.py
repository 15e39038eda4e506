"""WSGI entry point (gunicorn portal.wsgi; ``manage.py runserver`` loads it too).

Only server processes import this module, so it is where they load what their first request
would otherwise wait for: the URLconf and every view module (runserver's checks import them,
gunicorn's workers did not), jieba's dictionary for Chinese search (about 1 s) and the PDF
machinery (about 1 s). Management commands and tests never import it and start as fast as
before (docs/pdf.md, docs/cms.md).

Then everything loaded so far is moved out of the garbage collector's sight (``gc.freeze``):
it lives as long as the process, and each full collection walked all of it, some 135 ms that
fell on every tenth request or so of a page that makes many objects (the city dashboard at 1.3
million units: p95 306 ms, p50 118 ms; docs/city.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402 - after Django is set up

from cms.segment import load_dictionary  # noqa: E402
from portal.core.pdf import warm_up  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the views it names
load_dictionary()
warm_up()
gc.freeze()
