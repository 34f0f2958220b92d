import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from medichat_trainer import dataset
from medichat_trainer.progress import Progress
from medichat_trainer.train import Cancelled, Hyper, train

ROOT = Path(__file__).resolve().parents[1]


def records(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_lora_training_lowers_heldout_loss_and_merges(tiny_model, data_file, tmp_path):
    from transformers import AutoModelForCausalLM

    ds = dataset.parse(data_file.read_text())
    tr, held = dataset.split(ds.examples, 0.2)
    buf = io.StringIO()
    res = train(str(tiny_model), tr, held, tmp_path, Hyper(steps=12, eval_every=4, lr=5e-3), Progress(buf))
    recs = records(buf)
    kinds = [r["event"] for r in recs]
    assert kinds[0] == "start" and kinds[-1] == "done"
    steps = [r for r in recs if r["event"] == "step"]
    assert [r["step"] for r in steps] == list(range(1, 13))
    assert all(r["total"] == 12 and r["eta_s"] >= 0 and r["tokens_per_s"] > 0 for r in steps)
    assert steps[-1]["eta_s"] == 0
    assert [r["step"] for r in recs if r["event"] == "eval"] == [4, 8, 12]
    assert res["eval_loss"] < res["base_eval_loss"] and res["beats_base"]
    merged = AutoModelForCausalLM.from_pretrained(res["hf_dir"])
    assert not any("lora" in n for n, _ in merged.named_parameters())


def test_cancel_stops_before_the_next_step(tiny_model, data_file, tmp_path):
    ds = dataset.parse(data_file.read_text())
    buf = io.StringIO()
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(Cancelled):
        train(str(tiny_model), ds.examples[:20], ds.examples[20:], tmp_path, Hyper(steps=50), Progress(buf), stop)
    recs = records(buf)
    assert recs[-1] == {**recs[-1], "event": "cancelled", "step": 3}
    assert not (tmp_path / "merged").exists()


def test_cli_streams_json_lines_and_rejects_bad_datasets(tiny_model, data_file, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(data_file.read_text() + "{oops\n")
    r = subprocess.run([sys.executable, "-m", "medichat_trainer", "validate", str(bad)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert out["ok"] is False and out["errors"][0]["line"] == 31
    r = subprocess.run([sys.executable, "-m", "medichat_trainer", "train", "--base", str(tiny_model),
                        "--data", str(data_file), "--out", str(tmp_path / "run"), "--steps", "3",
                        "--eval-every", "3", "--device", "cpu"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [x["event"] for x in recs][:2] == ["validated", "start"]
    assert recs[-1]["event"] == "done" and (tmp_path / "run" / "merged" / "config.json").exists()
