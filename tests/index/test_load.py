import os
from pathlib import Path

import pytest

from index.errors import UnsupportedFileError
from index.load import ArticleFile, decode, find_files, read_article


def _file(path: Path) -> ArticleFile:
    return ArticleFile(path, path.name)


def test_find_files_walks_folders_and_skips_hidden(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "b" / "two.html").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    found = sorted(f.source for f in find_files([tmp_path / "a"]))
    assert found == ["one.txt", "two.html"]


def test_find_files_rejects_a_missing_path(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nope"):
        list(find_files([tmp_path / "nope"]))


def test_legacy_encoding_is_detected():
    sample = "The café’s façade, déjà vu: “naïve” officials met in Zürich. " * 3
    text, encoding = decode(sample.encode("cp1252"))
    assert text == sample
    assert encoding != "utf-8"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("blob.txt", bytes(range(256)) * 4, "binary"),
        ("empty.txt", b"   \n", "empty"),
        ("photo.png", b"\x89PNG....", "unsupported file type"),
    ],
)
def test_bad_files_raise_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnsupportedFileError, match=reason):
        read_article(_file(path), max_bytes=10_000)


def test_oversized_file_is_refused(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 5000)
    with pytest.raises(UnsupportedFileError, match="too large"):
        read_article(_file(path), max_bytes=1000)


ENGLISH = "The harbour bridge reopens on 12 May after repairs, officials said on Tuesday.\n" * 3


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_and_without_a_bom_is_decoded(tmp_path: Path, codec: str):
    # "utf-16" writes a BOM; the -le/-be codecs write none, as some Windows tools do.
    path = tmp_path / "wide.txt"
    path.write_bytes(ENGLISH.encode(codec))
    raw = read_article(_file(path), max_bytes=10_000)
    assert raw.text.lstrip("\ufeff") == ENGLISH
    assert raw.encoding.startswith("utf-16")


def test_fifo_and_symlink_loops_are_named_not_skipped_silently(tmp_path: Path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "one.txt").write_text("x")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    (folder / "x.txt").symlink_to("y.txt")
    (folder / "y.txt").symlink_to("x.txt")
    files = {f.source: f for f in find_files([folder])}
    assert sorted(files) == ["loop.txt", "one.txt", "pipe.txt", "x.txt", "y.txt"]
    assert files["one.txt"].problem is None
    assert "named pipe" in str(files["pipe.txt"].problem)
    for name in ("loop.txt", "x.txt", "y.txt"):
        assert "symlink loop" in str(files[name].problem)
    # A FIFO named on the command line is reported too, never opened (opening one blocks).
    (direct,) = find_files([folder / "pipe.txt"])
    assert "named pipe" in str(direct.problem)
