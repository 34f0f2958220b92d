#!/usr/bin/env bash
# Trainer (issue #9): a cached venv outside the clone with torch/transformers/peft, then the trainer's
# pytest suite and one real end-to-end fine-tune (tiny model made on the spot -> LoRA -> merge).
# Idempotent: the venv records the hash of trainer/requirements.txt; a matching cached one is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${MEDICHAT_CACHE:-$HOME/.cache/medichat}"
key=$(sha256sum trainer/requirements.txt | cut -c1-12)
VENV="$CACHE/venvs/trainer"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.ok" 2>/dev/null)" != "$key" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r trainer/requirements.txt
  echo "$key" > "$VENV/.ok"
fi
"$VENV/bin/python" -m pytest -q trainer/tests -p no:cacheprovider
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$VENV/bin/python" - "$work/data.jsonl" <<'PY'
import sys
sys.path.insert(0, "trainer/tests")
from conftest import make_dataset
open(sys.argv[1], "w").write(make_dataset(40))
PY
(cd trainer && "$VENV/bin/python" -m medichat_trainer tiny "$work/data.jsonl" "$work/tiny" >/dev/null)
(cd trainer && "$VENV/bin/python" -m medichat_trainer train --base "$work/tiny" --data "$work/data.jsonl" \
  --out "$work/run" --steps 10 --eval-every 5 --device cpu) > "$work/progress.jsonl"
tail -1 "$work/progress.jsonl"
"$VENV/bin/python" - "$work/progress.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
done = recs[-1]
assert done["event"] == "done" and done["beats_base"], done
print(f"trainer e2e: {done['steps']} steps, held-out loss {done['base_eval_loss']:.3f} -> {done['eval_loss']:.3f}")
PY
