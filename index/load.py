"""Find article files under the given paths, and read each one into text or a skip reason."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from index.errors import UnsupportedFileError

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES


@dataclass(frozen=True)
class ArticleFile:
    """One file named on the command line or found in a folder."""

    path: Path
    source: str  # how citations name it: the file name


@dataclass(frozen=True)
class RawArticle:
    """A decoded article file: its text and whether it is HTML."""

    file: ArticleFile
    text: str
    is_html: bool
    encoding: str


def _source_name(path: Path) -> str:
    # Citations name the file as users and the QA files do: by its file name.
    return path.name


def find_files(paths: Iterable[Path]) -> Iterator[ArticleFile]:
    """Yield every file under `paths` (folders recursively, hidden entries skipped), sorted.

    Raises FileNotFoundError for a path that does not exist.
    """
    for root in paths:
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder")
        if root.is_file():
            yield ArticleFile(root, _source_name(root))
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or not path.is_file():
                continue
            yield ArticleFile(path, _source_name(path))


def read_article(file: ArticleFile, *, max_bytes: int) -> RawArticle:
    """Read and decode one article file, or raise UnsupportedFileError saying why not."""
    suffix = file.path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileError(f"unsupported file type '{suffix or '(none)'}'")
    size = file.path.stat().st_size
    if size > max_bytes:
        raise UnsupportedFileError(
            f"too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB; NEWSBOT_MAX_FILE_MB)"
        )
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise UnsupportedFileError(f"cannot read: {exc.strerror or exc}") from exc
    text, encoding = decode(data)
    if not text.strip():
        raise UnsupportedFileError("empty")
    return RawArticle(file, text, suffix in HTML_SUFFIXES, encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8, else the detected encoding; raise for binary content."""
    if b"\x00" in data[:8192]:
        raise UnsupportedFileError("binary content (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: charset-normalizer picks the most coherent legacy encoding (cp1252, latin-1...).
    matches = from_bytes(data)
    best = matches.best()
    # On short texts several single-byte code pages tie; Windows-1252 is by far the most common
    # legacy encoding of English/Western news pages, so it wins near-ties.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if best is not None and western is not None and western.chaos <= best.chaos + 0.15:
        best = western
    if best is None:
        raise UnsupportedFileError("binary or undecodable content")
    text = str(best)
    if _control_ratio(text) > 0.01:
        raise UnsupportedFileError("binary content")
    return text, best.encoding


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))
