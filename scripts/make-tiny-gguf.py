#!/usr/bin/env python3
"""
Write a tiny, deterministic llama-architecture GGUF for tests: random weights (seeded), 2 layers,
dim 64, 4 heads, a ~300-token SentencePiece-style vocabulary with byte fallback, a ChatML chat
template in `tokenizer.chat_template`, BOS/EOS ids. It loads in llama.cpp / node-llama-cpp and
generates tokens; the text is meaningless, so tests assert plumbing, never content.

Deps (see scripts/requirements-fixtures.txt): `pip install gguf numpy`.

Usage: python3 scripts/make-tiny-gguf.py --out tiny.gguf [--seed 1] [--layers 2] [--dim 64]

Two choices keep generations usable by plumbing tests:
- the output rows of control tokens (BOS, EOS, <|im_start|>, <|im_end|>, UNK) are zero, so their
  logit is exactly 0 while the best of ~300 random logits is positive: greedy decoding never ends a
  reply by itself (tests use maxTokens, stop strings or an abort signal to end one);
- the output rows of non-printable byte tokens are zero too, so replies are mostly printable ASCII.
"""
import argparse
import sys

try:
    import numpy as np
    import gguf
except ImportError as e:  # pragma: no cover
    sys.stderr.write(f"make-tiny-gguf: {e}. Install the fixture deps: pip install gguf numpy\n")
    sys.exit(3)

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

WORDS = [
    "▁", "▁the", "▁a", "▁and", "▁to", "▁of", "▁is", "▁you", "▁I", "▁it", "▁in", "▁for", "▁be",
    "▁your", "▁doctor", "▁pain", "▁take", "▁water", "▁rest", "▁health", "▁help", "▁may", "▁can",
    "▁hello", "▁yes", "▁no", "▁please", "▁feel", "▁better", "▁day", "user", "assistant", "system",
    "er", "in", "on", "at", "es", "ed", "ing", ".", ",", "!", "?",
]


def build_vocab():
    tokens: list[str] = []
    types: list[int] = []
    scores: list[float] = []

    def add(piece: str, ttype: int, score: float = 0.0) -> int:
        tokens.append(piece)
        types.append(ttype)
        scores.append(score)
        return len(tokens) - 1

    unk = add("<unk>", gguf.TokenType.UNKNOWN)
    bos = add("<s>", gguf.TokenType.CONTROL)
    eos = add("</s>", gguf.TokenType.CONTROL)
    im_start = add("<|im_start|>", gguf.TokenType.CONTROL)
    im_end = add("<|im_end|>", gguf.TokenType.CONTROL)
    byte_ids = [add(f"<0x{b:02X}>", gguf.TokenType.BYTE) for b in range(256)]
    for i, w in enumerate(WORDS):
        # SentencePiece scores: higher merges first; longer pieces win.
        add(w, gguf.TokenType.NORMAL, -float(i) / 100.0 + len(w))
    silent = [unk, bos, eos, im_start, im_end] + [
        byte_ids[b] for b in range(256) if b < 0x20 or b >= 0x7F
    ]
    return tokens, types, scores, dict(unk=unk, bos=bos, eos=eos, im_end=im_end), silent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ff", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=2048)
    ap.add_argument("--name", default="tiny-llama")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    tokens, types, scores, ids, silent = build_vocab()
    n_vocab, dim, ff, heads = len(tokens), args.dim, args.ff, args.heads
    head_dim = dim // heads

    w = gguf.GGUFWriter(args.out, "llama")
    w.add_name(f"{args.name}-seed{args.seed}")
    w.add_context_length(args.ctx)
    w.add_embedding_length(dim)
    w.add_block_count(args.layers)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(heads)
    w.add_rope_dimension_count(head_dim)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_vocab_size(n_vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)

    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_scores(scores)
    w.add_bos_token_id(ids["bos"])
    w.add_eos_token_id(ids["im_end"])  # ChatML ends a turn with <|im_end|>
    w.add_unk_token_id(ids["unk"])
    w.add_add_bos_token(False)
    w.add_chat_template(CHAT_TEMPLATE)

    def rnd(*shape: int, scale: float = 0.5) -> np.ndarray:
        return (rng.standard_normal(shape) * scale / np.sqrt(shape[-1])).astype(np.float32)

    ones = lambda n: np.ones(n, dtype=np.float32)  # noqa: E731

    # numpy shape is (rows, cols) = (out, in); gguf stores ne reversed, as llama.cpp expects.
    w.add_tensor("token_embd.weight", rnd(n_vocab, dim, scale=4.0))
    for i in range(args.layers):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", ones(dim))
        w.add_tensor(p + "attn_q.weight", rnd(dim, dim))
        w.add_tensor(p + "attn_k.weight", rnd(dim, dim))
        w.add_tensor(p + "attn_v.weight", rnd(dim, dim))
        w.add_tensor(p + "attn_output.weight", rnd(dim, dim))
        w.add_tensor(p + "ffn_norm.weight", ones(dim))
        w.add_tensor(p + "ffn_gate.weight", rnd(ff, dim))
        w.add_tensor(p + "ffn_up.weight", rnd(ff, dim))
        w.add_tensor(p + "ffn_down.weight", rnd(dim, ff))
    w.add_tensor("output_norm.weight", ones(dim))
    out = rnd(n_vocab, dim, scale=8.0)
    out[silent, :] = 0.0
    w.add_tensor("output.weight", out)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
