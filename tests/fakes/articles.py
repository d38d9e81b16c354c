"""Small articles written for the tests, so unit tests do not depend on shared data."""

from __future__ import annotations

from pathlib import Path

BRIDGE = """Harbour bridge to reopen in May

Published On: 3 Mar 2025, 09:10

PORTVILLE, March 3, 2025 (PNA/Reuters)- The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city council said on Monday.
Engineers replaced 400 steel cables and resurfaced the deck, council spokeswoman Ada Lind said.
The repairs cost 84 million euros, twice the first estimate.

LATEST NEWS
Mayor opens new library
Mayor opens new library
Storm warning for the coast
Storm warning for the coast
"""

ORCHARD = """Frost damages apple harvest in the valley

Update: 2025-04-02 07:15 GMT

A late frost destroyed about a third of the apple blossom in the Green Valley this week, growers said.
The regional farmers' union asked for emergency aid of five million euros.
Orchard owner Tomas Berg said he had never seen frost so late in April.
"""

CHESS = """Local teenager wins national chess title

Nina Park, 16, won the national chess championship in Ridgeton on Sunday without losing a game.
She beat the defending champion in the final round after a five-hour endgame.
Park will represent the country at the world youth championship in August.
"""


def many_articles(count: int) -> list[tuple[str, str]]:
    """`count` distinct small articles as (file name, text)."""
    topics = ["harbour", "orchard", "library", "stadium", "railway", "museum", "airport", "forest"]
    out = []
    for i in range(count):
        topic = topics[i % len(topics)]
        out.append(
            (
                f"story_{i:03d}.txt",
                f"Report {i} on the {topic}\n\n"
                f"Officials in district {i} said the {topic} project number {i} would cost "
                f"{i + 3} million euros. Work on the {topic} starts in week {i % 50 + 1}. "
                f"Residents of district {i} asked for more information about the {topic} plan. "
                f"The council will vote on plan {i} next month, spokesperson {i} said.",
            )
        )
    return out


def write_articles(folder: Path, articles: list[tuple[str, str]]) -> Path:
    """Write (name, text) pairs into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles:
        (folder / name).write_text(text, encoding="utf-8")
    return folder
