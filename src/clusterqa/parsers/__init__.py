"""Document parsers, one module per format, chosen by file suffix."""

from clusterqa.parsers.base import (
    Parser,
    doc_id_for,
    file_name,
    parse,
    parser_for,
    supported_suffixes,
)

__all__ = ["Parser", "doc_id_for", "file_name", "parse", "parser_for", "supported_suffixes"]
