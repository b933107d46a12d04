"""The file sink (the demo default): each sent message becomes one JSON line; the console sink prints it.

The file sink honours idempotency keys across processes: under an exclusive ``flock`` it reads whatever other
writers appended since its last look, and a key already in the file is answered with the original id instead of a
second line. So a message whose worker died mid-send is recognised when it is sent again.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.messaging.providers.base import OutgoingMessage, SendResult


class FileSink:
    name = "file"
    idempotent = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._known: dict[str, str] = {}
        self._offset = 0
        self._pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": str(self.path)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _catch_up(self, fh: Any) -> None:
        if os.getpid() != self._pid:  # forked: our cache belongs to the parent
            self._known, self._offset, self._pid = {}, 0, os.getpid()
        fh.seek(self._offset)
        for raw in fh:
            if not raw.endswith(b"\n"):  # a torn last line (writer killed mid-write): rewritten below
                break
            self._offset += len(raw)
            try:
                rec = json.loads(raw)
            except ValueError:
                continue
            self._known[rec["idempotency_key"]] = rec["provider_message_id"]

    def send(self, message: OutgoingMessage) -> SendResult:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The sink holds whole messages (names, debts): created readable by its owner only, never world-readable.
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._catch_up(fh)
                if message.idempotency_key in self._known:
                    return SendResult(self._known[message.idempotency_key], duplicate=True)
                size = fh.seek(0, os.SEEK_END)
                if size != self._offset:  # drop a torn tail left by a killed writer
                    fh.truncate(self._offset)
                pmid = new_id("file")
                line = (
                    json.dumps(
                        {
                            "provider_message_id": pmid,
                            "message_id": message.message_id,
                            "idempotency_key": message.idempotency_key,
                            "channel": message.channel,
                            "to": message.to,
                            "lender": message.lender,
                            "verification_code": message.verification_code,
                            "body": message.body,
                            "at": utc_now().isoformat(),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                ).encode()
                fh.write(line)
                fh.flush()
                self._offset += len(line)
                self._known[message.idempotency_key] = pmid
                return SendResult(pmid)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def read_sink(path: str | Path) -> list[dict[str, Any]]:
    """Every message in a file sink, in order."""
    p = Path(path)
    if not p.exists():
        return []
    out = []
    with open(p, encoding="utf-8") as fh:
        for raw in fh:
            if raw.endswith("\n") and raw.strip():
                out.append(json.loads(raw))
    return out


class ConsoleSink:
    """Prints each message (address masked) to a stream; no idempotency, so an unknown outcome is not resent."""

    name = "console"
    idempotent = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: OutgoingMessage) -> SendResult:
        from faircollect.messaging.verification import mask_address

        out = self.stream or sys.stdout
        print(
            f"[{message.channel} → {mask_address(message.channel, message.to)}] {message.body}",
            file=out,
            flush=True,
        )
        return SendResult(new_id("console"))
