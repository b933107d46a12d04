"""Domain errors. Each says what was wrong and where (file, row, field) when it knows."""

from __future__ import annotations


class FaircollectError(Exception):
    """Base of every error faircollect raises on purpose. ``status`` is the HTTP status the API maps it to."""

    status: int = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        row: int | None = None,
        file: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.row = row
        self.file = file
        super().__init__(self.__str__())

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def as_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "field": self.field,
        }


class ValidationError(FaircollectError):
    """Input that cannot be accepted."""

    status = 422


class BadRequest(FaircollectError):
    """A request that cannot be read at all (a body that is not JSON, say)."""

    status = 400


class NotFound(FaircollectError):
    status = 404


class Conflict(FaircollectError):
    """The request contradicts stored state (e.g. an idempotency key reused with other content)."""

    status = 409


class CapExceeded(ValidationError):
    """A product or loan breaks a legal cost cap."""


class ValidationErrors(ValidationError):
    """Many validation errors found in one pass (imports validate whole before writing)."""

    def __init__(self, errors: list[FaircollectError]) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s): {shown}{more}")
