"""Errors raised while loading a file; each carries a reason code for the status table."""


class IngestError(Exception):
    """A file could not be turned into a document.

    Args:
        reason: short machine-readable code, e.g. ``unsupported_format``,
            ``converter_missing``, ``corrupt``, ``encrypted``, ``empty``, ``no_text``.
        message: English sentence for logs and the CLI status table.
    """

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message
