"""JSON-lines progress on stdout: one object a line, flushed at once (the API's job handler reads them)."""

from __future__ import annotations

import json
import sys
import time


class Progress:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.t0 = time.monotonic()

    def emit(self, event: str, **fields) -> None:
        rec = {"event": event, "t": round(time.monotonic() - self.t0, 3), **fields}
        self.stream.write(json.dumps(rec) + "\n")
        self.stream.flush()
