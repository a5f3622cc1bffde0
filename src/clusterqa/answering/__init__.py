"""Answering: question analysis, value normalisation, candidate extraction, the trained reader,
the answer itself and claim checking, above retrieval and below the CLI, API and evaluation."""
