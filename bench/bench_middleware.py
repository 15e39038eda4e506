"""Bench-only middleware (bench/city_settings.py, never in the portal's settings): counts the
SQL queries of a request server-side.

A request carrying ``X-Bench-Queries: 1`` runs with Django's debug cursor forced on every
database connection and answers with the number of queries it ran in the same header: session,
user, view, template and middleware alike (this middleware is the outermost). Other requests run
untouched, so the timed requests pay nothing for the counting. Queries run while a streamed
response is being sent are not counted.
"""

from django.db import connections

HEADER = "X-Bench-Queries"


def count_queries(get_response):
    def middleware(request):
        if request.headers.get(HEADER) != "1":
            return get_response(request)
        conns = connections.all(initialized_only=False)
        before = [c.force_debug_cursor for c in conns]
        for c in conns:
            c.force_debug_cursor = True
            c.queries_log.clear()
        try:
            response = get_response(request)
        finally:
            for c, old in zip(conns, before, strict=True):
                c.force_debug_cursor = old
        response[HEADER] = str(sum(len(c.queries_log) for c in conns))
        return response

    return middleware
