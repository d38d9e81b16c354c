"""Source kind `folder`: every file under a local folder (hidden entries skipped)."""

from __future__ import annotations

from collections.abc import Iterator

from index.load import find_files
from index.sources.base import Context, Entry, Probe
from index.sources.file import file_entry


class FolderKind:
    """A path to a folder."""

    name = "folder"

    def claims(self, probe: Probe) -> bool:
        """An existing folder."""
        return probe.path is not None and probe.path.is_dir()

    def entries(self, probe: Probe, ctx: Context) -> Iterator[Entry]:
        """One document per file, sorted."""
        assert probe.path is not None
        for file in find_files([probe.path]):
            yield file_entry(file, ctx)


KIND = FolderKind()
