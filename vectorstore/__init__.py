"""Chunks → a searchable index (FAISS + BM25) in one directory, and back."""
