"""clusterqa: document-grounded question answering over Korean reports."""

__version__ = "0.1.0"
