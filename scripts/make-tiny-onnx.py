#!/usr/bin/env python3
"""
Write a tiny, deterministic llama-architecture ONNX checkpoint that transformers.js 4 loads for
`text-generation` with a KV cache: random weights (seeded), 2 layers, hidden 32, 2 heads, RoPE,
RMSNorm, SwiGLU, a ~384-token byte-level BPE tokenizer trained here on a fixed corpus, and a
ChatML chat template. The text it generates is meaningless: tests assert plumbing, never content.

Layout (what transformers.js expects for a model directory under `env.localModelPath`):
    <out>/config.json              model_type "llama", sizes, bos/eos ids
    <out>/generation_config.json
    <out>/tokenizer.json           (trained with `tokenizers`)
    <out>/tokenizer_config.json    tokenizer_class, special tokens, `chat_template`
    <out>/onnx/model.onnx          fp32                   (dtype "fp32")
    <out>/onnx/model_quantized.onnx  int8 dynamic, MatMulInteger  (dtype "q8"; onnxruntime quantize_dynamic)
    <out>/onnx/model_q4.onnx       4-bit blocks, MatMulNBits       (dtype "q4"; onnxruntime MatMulNBitsQuantizer)

The graph mirrors an Optimum `model.onnx` export of LlamaForCausalLM:
    inputs   input_ids [batch_size, sequence_length] int64
             attention_mask [batch_size, total_sequence_length] int64
             position_ids [batch_size, sequence_length] int64
             past_key_values.{i}.key / .value [batch_size, heads, past_sequence_length, head_dim] float
    outputs  logits [batch_size, sequence_length, vocab]
             present.{i}.key / .value [batch_size, heads, total_sequence_length, head_dim]

It is built directly with the `onnx` helper API rather than exported from PyTorch: torch from PyPI
pulls the CUDA stack (several GB) and CPU-only wheels live on an index CI cannot reach, while
`onnx tokenizers onnxruntime onnx-ir` install in ~20 s.

Like `make-tiny-gguf.py`, the lm_head columns of special tokens and of non-printable byte tokens
are zero, so greedy replies never end by themselves and are mostly printable ASCII (tests end a
reply with maxTokens, a stop string or an abort signal).

Deps (scripts/requirements-fixtures.txt): pip install onnx numpy tokenizers onnxruntime onnx-ir
Usage: python3 scripts/make-tiny-onnx.py --out DIR [--seed 1] [--dtypes fp32,q8,q4] [--no-check]
"""
import argparse
import json
import logging
import os
import shutil
import sys
import tempfile

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
except ImportError as e:  # pragma: no cover
    sys.stderr.write(
        f"make-tiny-onnx: {e}. Install the fixture deps: pip install -r scripts/requirements-fixtures.txt\n"
    )
    sys.exit(3)

OPSET = 17
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
CORPUS = [
    "Hello, how can I help you today?",
    "I have had a headache since yesterday and some pain in my neck.",
    "Drink water, rest, and talk to your doctor if the pain gets worse.",
    "Take the medication with food, twice a day, for seven days.",
    "Your blood pressure is a little high; please measure it again tomorrow.",
    "If you feel chest pain or cannot breathe, call emergency services now.",
    "Allergies: penicillin (rash), peanuts (anaphylaxis).",
    "The assistant answers questions about health, sleep, diet and exercise.",
    "Fever, cough and a sore throat are common signs of a cold.",
    "Thank you! I feel better now.",
    "system user assistant: 0 1 2 3 4 5 6 7 8 9 mg ml kg cm BMI",
]


def build_tokenizer(vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=1,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(CORPUS * 4, trainer=trainer, length=len(CORPUS) * 4)
    return tok


def byte_level_unicode():
    """GPT-2's bytes_to_unicode: byte -> printable unicode char used in byte-level vocabularies."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


class Graph:
    def __init__(self):
        self.nodes = []
        self.inits = []
        self.n = 0

    def name(self, base: str) -> str:
        self.n += 1
        return f"{base}_{self.n}"

    def const(self, base: str, value, dtype=np.float32) -> str:
        name = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def weight(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(value.astype(np.float32), name))
        return name

    def op(self, op_type: str, inputs, base=None, outputs=None, **attrs):
        outs = outputs or [self.name(base or op_type.lower())]
        self.nodes.append(helper.make_node(op_type, list(inputs), outs, name=self.name(f"/{op_type}"), **attrs))
        return outs[0] if len(outs) == 1 else outs


def rms_norm(g: Graph, x: str, w: str, eps: float) -> str:
    sq = g.op("Mul", [x, x])
    mean = g.op("ReduceMean", [sq], axes=[-1], keepdims=1)
    std = g.op("Sqrt", [g.op("Add", [mean, g.const("eps", eps)])])
    return g.op("Mul", [g.op("Div", [x, std]), w])


def build_model(vocab: int, cfg: dict, seed: int, silent_ids: list) -> onnx.ModelProto:
    rng = np.random.default_rng(seed)
    H, L, NH, FF = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["intermediate_size"]
    HD = H // NH
    eps = cfg["rms_norm_eps"]

    def rand(*shape, std=0.25):
        return rng.normal(0.0, std, size=shape).astype(np.float32)

    g = Graph()
    embed = g.weight("model.embed_tokens.weight", rand(vocab, H, std=1.0))
    # RoPE tables as in HF Llama: emb = cat(freqs, freqs); cos/sin of shape [max_pos, head_dim].
    inv_freq = 1.0 / (cfg["rope_theta"] ** (np.arange(0, HD, 2, dtype=np.float64) / HD))
    freqs = np.outer(np.arange(cfg["max_position_embeddings"], dtype=np.float64), inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos_t = g.weight("rope.cos", np.cos(emb))
    sin_t = g.weight("rope.sin", np.sin(emb))

    x = g.op("Gather", [embed, "input_ids"], axis=0)
    cos = g.op("Unsqueeze", [g.op("Gather", [cos_t, "position_ids"], axis=0), g.const("ax1", [1], np.int64)])
    sin = g.op("Unsqueeze", [g.op("Gather", [sin_t, "position_ids"], axis=0), g.const("ax1", [1], np.int64)])

    # Causal + padding mask, [batch, 1, seq, total]: key j is visible to query i iff j <= past + i.
    seq = g.op("Shape", ["input_ids"], start=1, end=2)
    past = g.op("Shape", ["past_key_values.0.key"], start=2, end=3)
    total = g.op("Add", [past, seq])
    zero = g.const("zero", 0, np.int64)
    one = g.const("one", 1, np.int64)
    ax0 = g.const("ax0", [0], np.int64)
    q_pos = g.op("Range", [g.op("Squeeze", [past, ax0]), g.op("Squeeze", [total, ax0]), one])
    k_pos = g.op("Range", [zero, g.op("Squeeze", [total, ax0]), one])
    causal = g.op(
        "LessOrEqual",
        [g.op("Unsqueeze", [k_pos, g.const("ax0", [0], np.int64)]), g.op("Unsqueeze", [q_pos, g.const("ax1", [1], np.int64)])],
    )
    pad = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], to=TensorProto.BOOL), g.const("ax12", [1, 2], np.int64)])
    allowed = g.op("And", [causal, pad])
    neg = g.const("neg_inf", -1e9)
    scale = g.const("scale", 1.0 / np.sqrt(HD))
    heads_shape = g.const("heads_shape", [0, 0, NH, HD], np.int64)
    merge_shape = g.const("merge_shape", [0, 0, H], np.int64)
    half = HD // 2

    def rope(t: str) -> str:
        x1 = g.op("Slice", [t, g.const("s", [0], np.int64), g.const("e", [half], np.int64), g.const("a", [3], np.int64)])
        x2 = g.op("Slice", [t, g.const("s", [half], np.int64), g.const("e", [HD], np.int64), g.const("a", [3], np.int64)])
        rot = g.op("Concat", [g.op("Neg", [x2]), x1], axis=3)
        return g.op("Add", [g.op("Mul", [t, cos]), g.op("Mul", [rot, sin])])

    def split_heads(t: str) -> str:
        return g.op("Transpose", [g.op("Reshape", [t, heads_shape])], perm=[0, 2, 1, 3])

    for i in range(L):
        p = f"model.layers.{i}"
        h = rms_norm(g, x, g.weight(f"{p}.input_layernorm.weight", np.ones(H)), eps)
        q = rope(split_heads(g.op("MatMul", [h, g.weight(f"{p}.self_attn.q_proj.weight", rand(H, H))])))
        k = rope(split_heads(g.op("MatMul", [h, g.weight(f"{p}.self_attn.k_proj.weight", rand(H, H))])))
        v = split_heads(g.op("MatMul", [h, g.weight(f"{p}.self_attn.v_proj.weight", rand(H, H))]))
        k_all = g.op("Concat", [f"past_key_values.{i}.key", k], axis=2, outputs=[f"present.{i}.key"])
        v_all = g.op("Concat", [f"past_key_values.{i}.value", v], axis=2, outputs=[f"present.{i}.value"])
        scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k_all], perm=[0, 1, 3, 2])]), scale])
        probs = g.op("Softmax", [g.op("Where", [allowed, scores, neg])], axis=-1)
        ctx = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v_all])], perm=[0, 2, 1, 3]), merge_shape])
        x = g.op("Add", [x, g.op("MatMul", [ctx, g.weight(f"{p}.self_attn.o_proj.weight", rand(H, H))])])

        h = rms_norm(g, x, g.weight(f"{p}.post_attention_layernorm.weight", np.ones(H)), eps)
        gate = g.op("MatMul", [h, g.weight(f"{p}.mlp.gate_proj.weight", rand(H, FF))])
        up = g.op("MatMul", [h, g.weight(f"{p}.mlp.up_proj.weight", rand(H, FF))])
        act = g.op("Mul", [g.op("Mul", [gate, g.op("Sigmoid", [gate])]), up])
        x = g.op("Add", [x, g.op("MatMul", [act, g.weight(f"{p}.mlp.down_proj.weight", rand(FF, H))])])

    x = rms_norm(g, x, g.weight("model.norm.weight", np.ones(H)), eps)
    lm_head = rand(H, vocab, std=1.0)
    lm_head[:, silent_ids] = 0.0
    g.op("MatMul", [x, g.weight("lm_head.weight", lm_head)], outputs=["logits"])

    f32, i64 = TensorProto.FLOAT, TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("input_ids", i64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", i64, ["batch_size", "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", i64, ["batch_size", "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", f32, ["batch_size", "sequence_length", vocab])]
    for i in range(L):
        for kind in ("key", "value"):
            inputs.append(
                helper.make_tensor_value_info(
                    f"past_key_values.{i}.{kind}", f32, ["batch_size", NH, "past_sequence_length", HD]
                )
            )
            outputs.append(
                helper.make_tensor_value_info(f"present.{i}.{kind}", f32, ["batch_size", NH, "total_sequence_length", HD])
            )
    graph = helper.make_graph(g.nodes, "tiny_llama", inputs, outputs, g.inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="medichat make-tiny-onnx", ir_version=8
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def check_with_onnxruntime(path: str, cfg: dict, vocab: int, exact: bool = True) -> None:
    """Prefill 5 tokens, then decode 1 with the returned cache: shapes, finiteness, and (fp32 only:
    dynamic int8 quantization scales activations per call) that the cached step gives the same
    logits as a full recompute, i.e. the cache and the mask are wired right."""
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    L, NH = cfg["num_hidden_layers"], cfg["num_attention_heads"]
    HD = cfg["hidden_size"] // NH
    ids = np.array([[5, 17, 42, 7, 99, 3]], dtype=np.int64)

    def run(tokens, past_len, past):
        n = tokens.shape[1]
        feeds = {
            "input_ids": tokens,
            "attention_mask": np.ones((1, past_len + n), dtype=np.int64),
            "position_ids": np.arange(past_len, past_len + n, dtype=np.int64)[None, :],
        }
        for i in range(L):
            for kind in ("key", "value"):
                feeds[f"past_key_values.{i}.{kind}"] = (
                    past[f"present.{i}.{kind}"] if past else np.zeros((1, NH, 0, HD), dtype=np.float32)
                )
        names = [o.name for o in sess.get_outputs()]
        return dict(zip(names, sess.run(names, feeds)))

    full = run(ids, 0, None)
    first = run(ids[:, :5], 0, None)
    step = run(ids[:, 5:], 5, first)
    assert full["logits"].shape == (1, 6, vocab), full["logits"].shape
    assert step["present.0.key"].shape == (1, NH, 6, HD), step["present.0.key"].shape
    assert np.isfinite(full["logits"]).all()
    diff = float(np.abs(full["logits"][:, 5] - step["logits"][:, 0]).max())
    assert not exact or diff < 1e-3, f"KV-cached step differs from full recompute by {diff}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="model directory to write (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dtypes", default="fp32,q8,q4", help="comma-separated: fp32 (always), q8, q4")
    ap.add_argument("--vocab", type=int, default=384)
    ap.add_argument("--no-check", action="store_true", help="skip the onnxruntime self-check")
    args = ap.parse_args()
    dtypes = {d.strip() for d in args.dtypes.split(",") if d.strip()} | {"fp32"}
    unknown = dtypes - {"fp32", "q8", "q4"}
    if unknown:
        ap.error(f"unknown dtypes: {sorted(unknown)}")

    tok = build_tokenizer(args.vocab)
    vocab_map = tok.get_vocab()
    vocab = tok.get_vocab_size()
    ids = {t: vocab_map[t] for t in SPECIALS}
    b2u = byte_level_unicode()
    silent = sorted(set(ids.values()) | {vocab_map[b2u[b]] for b in range(256) if (b < 0x20 and b != 0x0A) or b >= 0x7F})

    cfg = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": vocab,
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "max_position_embeddings": 1024,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "hidden_act": "silu",
        "tie_word_embeddings": False,
        "bos_token_id": ids["<|im_start|>"],
        "eos_token_id": ids["<|im_end|>"],
        "pad_token_id": ids["<|im_end|>"],
        "torch_dtype": "float32",
        "use_cache": True,
        "medichat_fixture": {"generator": "scripts/make-tiny-onnx.py", "seed": args.seed},
    }
    gen_cfg = {
        "bos_token_id": cfg["bos_token_id"],
        "eos_token_id": cfg["eos_token_id"],
        "pad_token_id": cfg["pad_token_id"],
        "max_new_tokens": 64,
    }
    tok_cfg = {
        "tokenizer_class": "GPT2Tokenizer",
        "bos_token": "<|im_start|>",
        "eos_token": "<|im_end|>",
        "unk_token": "<|endoftext|>",
        "pad_token": "<|im_end|>",
        "add_bos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": cfg["max_position_embeddings"],
        "chat_template": CHAT_TEMPLATE,
        "added_tokens_decoder": {
            str(i): {"content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True}
            for t, i in ids.items()
        },
    }

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".tiny-onnx-", dir=os.path.dirname(out))
    try:
        os.chmod(tmp, 0o755)
        os.makedirs(os.path.join(tmp, "onnx"))

        def write_json(name, obj):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False)
                f.write("\n")

        write_json("config.json", cfg)
        write_json("generation_config.json", gen_cfg)
        write_json("tokenizer_config.json", tok_cfg)
        write_json("special_tokens_map.json", {k: tok_cfg[k] for k in ("bos_token", "eos_token", "unk_token", "pad_token")})
        tok.save(os.path.join(tmp, "tokenizer.json"))

        fp32 = os.path.join(tmp, "onnx", "model.onnx")
        onnx.save(build_model(vocab, cfg, args.seed, silent), fp32)
        if not args.no_check:
            check_with_onnxruntime(fp32, cfg, vocab)

        if "q8" in dtypes:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            q8 = os.path.join(tmp, "onnx", "model_quantized.onnx")
            logging.getLogger().setLevel(logging.ERROR)  # "consider pre-processing": not for a fixture
            quantize_dynamic(fp32, q8, weight_type=QuantType.QUInt8, op_types_to_quantize=["MatMul"])
            if not args.no_check:
                check_with_onnxruntime(q8, cfg, vocab, exact=False)
        if "q4" in dtypes:
            try:
                from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
            except ImportError:  # onnxruntime < 1.21 named it after 4 bits only
                from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer as MatMulNBitsQuantizer

            quant = MatMulNBitsQuantizer(onnx.load(fp32), bits=4, block_size=16, is_symmetric=True)
            quant.process()
            q4 = os.path.join(tmp, "onnx", "model_q4.onnx")
            quant.model.save_model_to_file(q4, use_external_data_format=False)
            if not args.no_check:
                check_with_onnxruntime(q4, cfg, vocab, exact=False)

        if os.path.isdir(out):
            shutil.rmtree(out)
        os.rename(tmp, out)
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
