"""Find article files under the given paths, and read each one into text or a skip reason."""

from __future__ import annotations

import codecs
import errno
import os
import stat
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
    problem: str | None = None  # why it cannot be read at all (a FIFO, a symlink loop)


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
        if not root.is_dir():
            yield ArticleFile(root, _source_name(root), _problem(root))
            continue
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or path.is_dir():
                continue
            yield ArticleFile(path, _source_name(path), _problem(path))


def _problem(path: Path) -> str | None:
    """Why `path` is no readable regular file (None: it is one). Never opens it: opening a
    FIFO blocks until a writer comes, and a symlink loop only fails when followed."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return f"broken symlink to {os.readlink(path)}"
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "not a regular file (a named pipe)"
    if stat.S_ISSOCK(mode):
        return "not a regular file (a socket)"
    return "not a regular file (a device)"


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
    wide = _utf16_codec(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            pass
        else:
            if _control_ratio(text) <= 0.01:
                return text.lstrip("\ufeff"), wide
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


def _utf16_codec(data: bytes) -> str | None:
    """'utf-16' for a BOM, else -le/-be when NULs sit at every other byte (Latin-script text
    in UTF-16 without a BOM); charset-normalizer misses the BOM-less case on short files."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:8192]
    half = len(sample) // 2
    if half < 2 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))
