#!/usr/bin/env bash
# GGUF export of fine-tunes (issue #9): llama.cpp's convert_hf_to_gguf.py (+ its conversion/ and
# gguf-py/ packages) from the llama-cpp-python 0.3.36 source archive on PyPI, cached outside the
# clone, and sentencepiece in the trainer venv (the converter imports it for Llama-architecture
# models). Idempotent: a no-op when the converter is there and sentencepiece imports.
# Needs the trainer venv (scripts/trainer-ci.sh). The API finds the converter at the same path
# (GGUF_CONVERT's default).
set -euo pipefail
CACHE="${MEDICHAT_CACHE:-$HOME/.cache/medichat}"
VENV="$CACHE/venvs/trainer"
DIR="$CACHE/llama-cpp-python"
VER=0.3.36
CONVERT="$DIR/llama_cpp_python-$VER/vendor/llama.cpp/convert_hf_to_gguf.py"
if [ ! -f "$CONVERT" ] || [ ! -d "$DIR/llama_cpp_python-$VER/vendor/llama.cpp/conversion" ]; then
  mkdir -p "$DIR"
  "$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "llama-cpp-python==$VER" -d "$DIR"
  tar xzf "$DIR/llama_cpp_python-$VER.tar.gz" -C "$DIR" \
    "llama_cpp_python-$VER/vendor/llama.cpp/convert_hf_to_gguf.py" \
    "llama_cpp_python-$VER/vendor/llama.cpp/conversion" \
    "llama_cpp_python-$VER/vendor/llama.cpp/gguf-py"
  rm -f "$DIR/llama_cpp_python-$VER.tar.gz"
fi
"$VENV/bin/python" -c 'import sentencepiece' 2>/dev/null ||
  "$VENV/bin/pip" install --quiet --disable-pip-version-check sentencepiece==0.2.3
echo "GGUF converter: $CONVERT"
