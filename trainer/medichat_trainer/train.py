"""LoRA fine-tuning with PEFT: a plain training loop, held-out eval every N steps, merge and save."""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .progress import Progress


@dataclass
class Hyper:
    steps: int = 20
    batch_size: int = 4
    lr: float = 2e-3
    rank: int = 8
    alpha: int = 16
    eval_every: int = 5
    max_len: int = 256
    heldout: float = 0.1
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda


class Cancelled(Exception):
    pass


def render(msg: dict) -> str:
    """ChatML, the template of SmolLM2-Instruct."""
    return f"<|im_start|>{msg['role']}\n{msg['content']}<|im_end|>\n"


def encode(tokenizer, messages: list[dict], max_len: int) -> tuple[list[int], list[int]]:
    ids: list[int] = []
    labels: list[int] = []
    for m in messages:
        t = tokenizer(render(m), add_special_tokens=False)["input_ids"]
        ids += t
        labels += t if m["role"] == "assistant" else [-100] * len(t)
    return ids[:max_len], labels[:max_len]


def fix_gguf_tokenizer(d: Path) -> None:
    """After dequantising a GGUF with transformers the tokenizer needs these fixes (see docs/fine-tune.md)."""
    import json

    tj = d / "tokenizer.json"
    if tj.exists():
        j = json.loads(tj.read_text())
        j["decoder"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
        j["normalizer"] = None
        j["post_processor"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True}
        tj.write_text(json.dumps(j))
    tc = d / "tokenizer_config.json"
    if tc.exists():
        c = json.loads(tc.read_text())
        c.update(tokenizer_class="PreTrainedTokenizerFast", eos_token="<|im_end|>", add_bos_token=False)
        tc.write_text(json.dumps(c))
    (d / "tokenizer.model").unlink(missing_ok=True)


def load_base(base: str, work: Path):
    """base: an HF directory, or a .gguf file (dequantised once into work/base-hf)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    p = Path(base)
    if p.suffix == ".gguf":
        hf = work / "base-hf"
        if not (hf / "config.json").exists():
            m = AutoModelForCausalLM.from_pretrained(str(p.parent), gguf_file=p.name)
            # The weights are already dequantised to fp32; transformers 5 still marks the model as
            # gguf-quantised and refuses save_pretrained, so drop the marker.
            m.hf_quantizer = None
            if hasattr(m.config, "quantization_config"):
                del m.config.quantization_config
            t = AutoTokenizer.from_pretrained(str(p.parent), gguf_file=p.name)
            m.save_pretrained(hf)
            t.save_pretrained(hf)
            fix_gguf_tokenizer(hf)
        p = hf
    tok = AutoTokenizer.from_pretrained(str(p))
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(str(p))
    return model, tok, p


def batches(rows, batch_size, pad_id, rng):
    import torch

    order = list(range(len(rows)))
    while True:
        rng.shuffle(order)
        for i in range(0, len(order), batch_size):
            chunk = [rows[j] for j in order[i : i + batch_size]]
            yield collate(chunk, pad_id)


def collate(chunk, pad_id):
    import torch

    n = max(len(ids) for ids, _ in chunk)
    ids = torch.full((len(chunk), n), pad_id, dtype=torch.long)
    lab = torch.full((len(chunk), n), -100, dtype=torch.long)
    att = torch.zeros((len(chunk), n), dtype=torch.long)
    for k, (a, b) in enumerate(chunk):
        ids[k, : len(a)] = torch.tensor(a)
        lab[k, : len(b)] = torch.tensor(b)
        att[k, : len(a)] = 1
    return ids, att, lab


def eval_loss(model, rows, pad_id, device, batch_size=8) -> float:
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(rows), batch_size):
            ids, att, lab = (x.to(device) for x in collate(rows[i : i + batch_size], pad_id))
            out = model(input_ids=ids, attention_mask=att, labels=lab)
            n = int((lab[:, 1:] != -100).sum())
            total += float(out.loss) * n
            count += n
    model.train()
    return total / max(count, 1)


def lora_model(model, h: Hyper):
    from peft import LoraConfig, get_peft_model

    cfg = LoraConfig(r=h.rank, lora_alpha=h.alpha, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM")
    return get_peft_model(model, cfg)


def train(
    base: str,
    train_rows_msgs: list,
    heldout_msgs: list,
    out: str | Path,
    h: Hyper,
    progress: Progress | None = None,
    should_stop=lambda: False,
    gguf_convert: str | None = None,
    gguf_outtype: str = "q8_0",
) -> dict:
    import random

    import torch

    progress = progress or Progress()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    device = ("cuda" if torch.cuda.is_available() else "cpu") if h.device == "auto" else h.device
    torch.manual_seed(h.seed)
    t_load = time.monotonic()
    model, tok, base_dir = load_base(base, out)
    pad = tok.pad_token_id
    rows = [encode(tok, m, h.max_len) for m in train_rows_msgs]
    held = [encode(tok, m, h.max_len) for m in heldout_msgs]
    model.to(device)
    base_eval = eval_loss(model, held, pad, device)
    model = lora_model(model, h)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    progress.emit(
        "start", total=h.steps, device=device, train=len(rows), heldout=len(held), trainable=trainable,
        load_s=round(time.monotonic() - t_load, 3), base_eval_loss=base_eval,
    )
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=h.lr)
    it = batches(rows, h.batch_size, pad, random.Random(h.seed))
    model.train()
    t0 = time.monotonic()
    tokens = 0
    last_eval = base_eval
    for step in range(1, h.steps + 1):
        if should_stop():
            progress.emit("cancelled", step=step - 1)
            raise Cancelled()
        ids, att, lab = (x.to(device) for x in next(it))
        loss = model(input_ids=ids, attention_mask=att, labels=lab).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens += int(att.sum())
        el = time.monotonic() - t0
        progress.emit(
            "step", step=step, total=h.steps, loss=float(loss.detach()), tokens_per_s=round(tokens / el, 1),
            eta_s=round(el / step * (h.steps - step), 2),
        )
        if step % h.eval_every == 0 or step == h.steps:
            last_eval = eval_loss(model, held, pad, device)
            progress.emit("eval", step=step, total=h.steps, eval_loss=last_eval)
    progress.emit("merging")
    merged = model.merge_and_unload()
    hf_out = out / "merged"
    merged.save_pretrained(hf_out)
    tok.save_pretrained(hf_out)
    result = {
        "base_eval_loss": base_eval,
        "eval_loss": last_eval,
        "beats_base": bool(last_eval < base_eval),
        "steps": h.steps,
        "train_s": round(time.monotonic() - t0, 3),
        "hf_dir": str(hf_out),
    }
    if gguf_convert:
        gguf = out / "model.gguf"
        progress.emit("exporting", format="gguf")
        subprocess.run(
            [sys.executable, gguf_convert, str(hf_out), "--outfile", str(gguf), "--outtype", gguf_outtype],
            check=True, stdout=subprocess.DEVNULL,
        )
        result["gguf"] = str(gguf)
    if math.isnan(last_eval):
        raise RuntimeError("eval loss is NaN")
    progress.emit("done", **result)
    return result


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
