"""gunicorn's access log as one JSON object per request, whatever bytes the request's path holds."""

import json

from gunicorn import glogging


class JsonAccessLogger(glogging.Logger):
    """gunicorn's format string puts the path between quotes as it is, so a path with a backslash, a quote or a
    control character (/x%5C, %22, %0A, %1B) breaks the line; json.dumps escapes them. Only the method, the path
    without its query string (which can hold what a visitor typed), the status, the size and the time are kept:
    no client address or user agent, so the log holds no personal data."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        line = {
            "time": self.now(),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000),
        }
        self.access_log.info(json.dumps(line))
