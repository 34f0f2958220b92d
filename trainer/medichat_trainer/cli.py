"""CLI: `python -m medichat_trainer validate|tiny|train ...`. Progress: JSON lines on stdout.

Exit codes: 0 done, 2 invalid dataset, 3 cancelled (SIGTERM/SIGINT), 1 any other failure.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

from . import dataset
from .progress import Progress


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="medichat-trainer")
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("validate", help="check a chat JSONL dataset line by line")
    v.add_argument("data")
    t = sub.add_parser("tiny", help="make a tiny chat model from a dataset's text (tests, CI)")
    t.add_argument("data")
    t.add_argument("out")
    r = sub.add_parser("train", help="LoRA fine-tune a base on a dataset")
    r.add_argument("--base", required=True, help="HF directory or .gguf file")
    r.add_argument("--data", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--steps", type=int, default=20)
    r.add_argument("--batch-size", type=int, default=4)
    r.add_argument("--lr", type=float, default=2e-3)
    r.add_argument("--rank", type=int, default=8)
    r.add_argument("--eval-every", type=int, default=5)
    r.add_argument("--max-len", type=int, default=256)
    r.add_argument("--heldout", type=float, default=0.1)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    r.add_argument("--gguf-convert", help="path of llama.cpp's convert_hf_to_gguf.py: export GGUF")
    r.add_argument("--gguf-outtype", default="q8_0")
    a = ap.parse_args(argv)
    p = Progress()

    text = Path(a.data).read_text(encoding="utf-8")
    ds = dataset.parse(text)
    if a.cmd == "validate" or not ds.ok:
        p.emit("validated", ok=ds.ok, examples=len(ds.examples), errors=[e.to_json() for e in ds.errors[:50]])
        return 0 if ds.ok else 2
    if a.cmd == "tiny":
        from .tiny import build_tiny_model
        from .train import render

        corpus = ["".join(render(m) for m in ex) for ex in ds.examples]
        build_tiny_model(a.out, corpus, seed=0)
        p.emit("tiny", out=a.out)
        return 0

    from .train import Cancelled, Hyper, train

    stop = {"flag": False}

    def on_signal(_sig, _frm):
        stop["flag"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    h = Hyper(
        steps=a.steps, batch_size=a.batch_size, lr=a.lr, rank=a.rank, eval_every=a.eval_every,
        max_len=a.max_len, heldout=a.heldout, seed=a.seed, device=a.device,
    )
    tr, held = dataset.split(ds.examples, h.heldout, h.seed)
    p.emit("validated", ok=True, examples=len(ds.examples), train=len(tr), heldout=len(held))
    try:
        train(a.base, tr, held, a.out, h, p, should_stop=lambda: stop["flag"],
              gguf_convert=a.gguf_convert, gguf_outtype=a.gguf_outtype)
    except Cancelled:
        return 3
    except Exception as e:  # reported as a JSON line so the job shows the reason
        p.emit("error", message=f"{type(e).__name__}: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
