"""Question (+ history) → grounded answer with citations, or a clear refusal."""
