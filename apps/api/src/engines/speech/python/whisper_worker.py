"""Medichat speech worker: Whisper (CTranslate2 weights) through faster-whisper, in its own process.

Protocol (one JSON object per line): stdin {"id", "path", "language"?}; stdout {"ready": true} once
the model is loaded, then {"id", "text", "language", "duration", "seconds"} or {"id", "error"}.
"""
import json
import sys
import time

from faster_whisper import WhisperModel


def main() -> None:
    model_dir, threads = sys.argv[1], int(sys.argv[2])
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        t0 = time.perf_counter()
        try:
            segments, info = model.transcribe(req["path"], language=req.get("language") or "en", beam_size=1)
            text = " ".join(s.text.strip() for s in segments).strip()
            out = {"id": req["id"], "text": text, "language": info.language, "duration": info.duration}
        except Exception as e:  # noqa: BLE001 - every failure goes back to the caller
            out = {"id": req["id"], "error": str(e)}
        out["seconds"] = time.perf_counter() - t0
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
