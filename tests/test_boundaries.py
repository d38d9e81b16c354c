"""The seam between the two sides: `bot/` reaches the index only through `index.api`, and
`index/` never imports `bot/`. Read from the source (ast), so lazy imports inside functions and
`TYPE_CHECKING` blocks count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _modules(side: str) -> list[Path]:
    return sorted((ROOT / side).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_imports_nothing_under_index_but_its_api(path: Path):
    bad = [
        name
        for name in _imports(path)
        if (name == "index" or name.startswith("index."))
        and name != "index.api"
        and not name.startswith("index.api.")
    ]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}; use index.api"


@pytest.mark.parametrize("path", _modules("index"), ids=lambda p: str(p.relative_to(ROOT)))
def test_index_never_imports_bot(path: Path):
    bad = [n for n in _imports(path) if n == "bot" or n.startswith("bot.")]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_api_exports_what_bot_needs():
    import index.api as api

    for name in ("NewsIndex", "Passage", "IngestReport", "IndexConfig", "NewsbotError"):
        assert name in api.__all__ and hasattr(api, name)
