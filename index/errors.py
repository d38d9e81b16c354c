"""Domain errors of the index side; the CLI turns each into one line that says what to do."""


class NewsbotError(Exception):
    """Base of every error newsbot reports to users as one line."""


class IndexNotBuiltError(NewsbotError):
    """Nothing has been ingested yet into the configured store."""


class UnsupportedFileError(NewsbotError):
    """A file newsbot cannot read as an article (binary, empty, too big, wrong type)."""


class StoreUnavailableError(NewsbotError):
    """The Chroma store cannot be reached (e.g. the server at NEWSBOT_CHROMA_URL is down)."""


class IngestLockedError(NewsbotError):
    """Another ingest is writing to the same index."""


class EmbeddingModelError(NewsbotError):
    """The configured embedding model cannot be loaded."""
