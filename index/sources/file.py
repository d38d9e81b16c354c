"""Source kind `file`: one local article file (.txt, .md, .html)."""

from __future__ import annotations

from collections.abc import Iterator

from index.clean import CleanedArticle, clean_article
from index.dedupe import bytes_hash
from index.load import ArticleFile, find_files, read_article
from index.sources.base import Context, Document, Entry, Failed, Probe


class FileKind:
    """A path to a file."""

    name = "file"

    def claims(self, probe: Probe) -> bool:
        """Anything but a folder (unsupported types, FIFOs... are skipped with their reason)."""
        return probe.path is not None and not probe.path.is_dir()

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """The file as one document."""
        assert probe.path is not None
        for file in find_files([probe.path]):
            yield file_entry(file, ctx)


def file_entry(file: ArticleFile, ctx: Context) -> Entry:
    """A document for one file, hashed now and read and cleaned when stored."""
    if file.problem is not None:  # never opened (a FIFO would block)
        return Failed(file.source, file.problem)
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        return Failed(file.source, f"cannot read: {exc}", key=str(file.path.resolve()))

    def load() -> CleanedArticle:
        from index.html import clean_html  # here: trafilatura is only loaded when a file changed

        raw = read_article(file, max_bytes=ctx.max_file_bytes)
        return clean_html(raw.text) if raw.is_html else clean_article(raw.text)

    return Document(
        key=str(file.path.resolve()), source=file.source, content_hash=bytes_hash(data), load=load
    )


KIND = FileKind()
