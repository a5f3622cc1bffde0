"""Error types every layer raises; the CLI and API turn them into messages and status codes."""


class ClusterQAError(Exception):
    """Base class: a failure the user can act on, with a message meant for them."""


class InputError(ClusterQAError):
    """A document or request that cannot be used as given (empty, too big, wrong type, encoding)."""


class UnsupportedTypeError(InputError):
    """A file whose type no parser handles."""


class ModelFormatError(ClusterQAError):
    """A model file that is not what the loader expects (magic, version, shapes)."""


class IndexStateError(ClusterQAError):
    """The on-disk index is missing, corrupt or incompatible with the configuration."""


class ConflictError(ClusterQAError):
    """A write that would silently replace something already indexed (ask to replace it)."""
