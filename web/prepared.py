"""Querysets compiled to SQL once per process, then run again and again with one value changed.

For the few reads every uncached page makes, Django's building of the SQL cost several times what the database
took to answer it (bench/render.py). Compiling the ORM's own query once keeps its rules (published(), ordering,
the table and column names) in one place, written in the ORM, and still pays for the compiling only once.
"""

import threading

from django.db import connections

# A parameter no real query uses, to find where the changing value goes in the compiled SQL.
MARK = -7_340_033


class PreparedQuery:
    """build(value) returns a queryset; run(value) gives its model instances, as queryset.raw() does.

    The queryset may filter, order and choose columns (only()), but not select_related(): raw() fills one model.
    """

    def __init__(self, build):
        self.build = build
        self.compiled = {}
        self.lock = threading.Lock()

    def run(self, value, using="default"):
        model, sql, params, where = self._compiled(using)
        params = list(params)
        params[where] = value
        return list(model.objects.using(using).raw(sql, params))

    def _compiled(self, using):
        # Per connection vendor's SQL, in case a test switches databases; built once.
        key = connections[using].vendor
        if key not in self.compiled:
            with self.lock:
                queryset = self.build(MARK).using(using)
                sql, params = queryset.query.sql_with_params()
                self.compiled[key] = (queryset.model, sql, params, params.index(MARK))
        return self.compiled[key]
