"""Retrievers over an index snapshot: BM25 (Kiwi morphemes or character bigrams), dense, hybrid."""
