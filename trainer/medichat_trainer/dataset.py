"""Chat-format JSONL dataset: one {"messages": [{"role", "content"}, ...]} object a line.

Validation is line by line and reports 1-based line numbers, so the API can return them in its 4xx.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

ROLES = ("system", "user", "assistant")
MAX_LINE_BYTES = 64 * 1024
MAX_LINES = 20_000


@dataclass
class LineError:
    line: int
    message: str

    def to_json(self) -> dict:
        return {"line": self.line, "message": self.message}


@dataclass
class Dataset:
    examples: list[list[dict]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and len(self.examples) > 0


def validate_line(text: str) -> tuple[list[dict] | None, str | None]:
    if len(text.encode("utf-8")) > MAX_LINE_BYTES:
        return None, f"line is longer than {MAX_LINE_BYTES} bytes"
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        return None, f"not valid JSON: {e.msg} (column {e.colno})"
    if not isinstance(obj, dict) or not isinstance(obj.get("messages"), list):
        return None, 'expected an object with a "messages" array'
    msgs = obj["messages"]
    if len(msgs) < 2:
        return None, "needs at least a user and an assistant message"
    for i, m in enumerate(msgs):
        if not isinstance(m, dict):
            return None, f"messages[{i}] is not an object"
        if m.get("role") not in ROLES:
            return None, f"messages[{i}].role must be one of {', '.join(ROLES)}"
        if not isinstance(m.get("content"), str) or not m["content"].strip():
            return None, f"messages[{i}].content must be a non-empty string"
    if not any(m["role"] == "assistant" for m in msgs):
        return None, "no assistant message to learn from"
    return [{"role": m["role"], "content": m["content"]} for m in msgs], None


def parse(text: str, max_lines: int = MAX_LINES) -> Dataset:
    ds = Dataset()
    n = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        n += 1
        if n > max_lines:
            ds.errors.append(LineError(lineno, f"more than {max_lines} examples"))
            break
        msgs, err = validate_line(raw)
        if err:
            ds.errors.append(LineError(lineno, err))
        else:
            ds.examples.append(msgs)
    if not ds.examples and not ds.errors:
        ds.errors.append(LineError(0, "the dataset has no examples"))
    return ds


def split(examples: list, heldout: float, seed: int = 0) -> tuple[list, list]:
    """Deterministic train/held-out split; the held-out set has at least one example."""
    items = list(examples)
    random.Random(seed).shuffle(items)
    k = max(1, round(len(items) * heldout)) if len(items) > 1 else 0
    return items[k:], items[:k] if k else items[:1]
