"""Evaluation: gold sets, benchmark runners and reports, on top of the answering stack."""
