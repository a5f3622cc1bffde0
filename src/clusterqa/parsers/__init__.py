"""Document parsers, one module per format, chosen by file suffix."""

from clusterqa.parsers.base import Parser, parse, parser_for, supported_suffixes

__all__ = ["Parser", "parse", "parser_for", "supported_suffixes"]
