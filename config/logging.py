"""Logging filters used by ``LOGGING`` in config/settings.py."""

import logging


class OneWarningLine(logging.Filter):
    """Log a refused request as one WARNING line, without its traceback.

    Django logs a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many form fields or files, and a
    ``Host`` outside ``ALLOWED_HOSTS`` as an ERROR with the full traceback. Anyone can send those,
    so as errors they would fill the log and set off error alerts at will; the request was
    answered (413, 400) and there is no fault of ours to trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
