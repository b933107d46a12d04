"""Sign the audit head every T seconds while the server runs, and once more at shutdown.

Appends sign by count (every N records) and by age (when the oldest unsigned record is T seconds old) as they
happen; this timer covers the quiet stretch after the last append, so no record stays unsigned — and without a
receipt outside the database — for much longer than T.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit import service as audit_service
from faircollect.db import unit_of_work
from faircollect.kit.logging import get_logger


class HeadSigner:
    def __init__(self, factory: sessionmaker[Session], seconds: int) -> None:
        self.factory = factory
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sign_now(self) -> None:
        try:
            with unit_of_work(self.factory) as session:
                audit_service.checkpoint_head(session)
        except Exception as exc:  # a missing schema or a lost connection must not stop the server
            get_logger("faircollect.audit").error("audit head not signed", error=str(exc))

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            self.sign_now()

    def start(self) -> None:
        if self.seconds > 0:
            self._thread = threading.Thread(target=self._run, name="audit-head-signer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the timer and sign the head a last time (shutdown)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sign_now()
