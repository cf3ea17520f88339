"""Log lines as one JSON object each, for a log collector; nothing a patient typed ever goes in one."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """time, level, logger, message; for request errors the method, path (no query string) and status;
    for exceptions the type and where it was raised, never the exception's message (it can quote data)."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            line |= {"method": request.method, "path": request.path}
        if hasattr(record, "status_code"):
            line["status"] = record.status_code
        if record.exc_info and record.exc_info[0] is not None:
            line |= self.exception_fields(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

    @staticmethod
    def exception_fields(exc_info):
        exc_type, _, traceback = exc_info
        frames = []
        while traceback is not None:
            code = traceback.tb_frame.f_code
            frames.append(f"{code.co_filename}:{traceback.tb_lineno} {code.co_name}")
            traceback = traceback.tb_next
        return {"exception": f"{exc_type.__module__}.{exc_type.__qualname__}", "stack": frames[-10:]}
