"""Embedding back-ends: building and caching the local sentence-transformers models the app uses."""
