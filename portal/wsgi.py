"""WSGI entry point (gunicorn portal.wsgi; ``manage.py runserver`` loads it too).

Only server processes import this module, so it is where they load what their first request
would otherwise wait for: jieba's dictionary for Chinese search (about 1 s) and the PDF
machinery (about 1 s). Management commands and tests never import it and start as fast as
before (docs/pdf.md, docs/cms.md).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

from cms.segment import load_dictionary  # noqa: E402 - after Django is set up
from portal.core.pdf import warm_up  # noqa: E402

load_dictionary()
warm_up()
