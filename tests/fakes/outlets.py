"""Small articles from named outlets, for the side-by-side and before/after answer forms."""

from __future__ import annotations

from pathlib import Path

from index.api import NewsIndex
from index.config import IndexConfig
from index.embed import Embedder
from tests.fakes.articles import write_articles


def _article(title: str, byline: str, *body: str) -> str:
    return "\n\n".join([title, byline, *body]) + "\n"


OUTLET_ARTICLES = [
    (
        "guardian_derby.txt",
        _article(
            "Rovers crush City in one-sided derby",
            "By Ann Lee | The Guardian | Published 2024-03-02",
            "Rovers crushed City 4-0 in a one-sided derby at Mill Park on Saturday.",
            "The home side dominated possession from the first whistle and City never threatened.",
        ),
    ),
    (
        "espn_derby.txt",
        _article(
            "City push Rovers all the way",
            "By Bo Diaz | ESPN | Published 2024-03-03",
            "City pushed Rovers all the way in a tight and even derby, ESPN analysts said.",
            "City manager Karl Ost said his players matched Rovers for long spells of the game.",
        ),
    ),
    (
        "bbc_derby.txt",
        _article(
            "Derby verdict: Rovers too strong for City",
            "By Eve Hart | BBC Sport | Published 2024-03-04",
            "The derby between Rovers and City ended 4-0, a result BBC Sport called one-sided.",
        ),
    ),
    (
        "guardian_budget.txt",
        _article(
            "Norland budget raises fuel duty",
            "By Cal Moss | The Guardian | Published 2024-03-05",
            "The Norland finance ministry raised fuel duty by four cents a litre in its budget.",
            "Hauliers warned that the higher duty would push up the price of groceries.",
        ),
    ),
    (
        "reuters_rates.txt",
        _article(
            "Norland central bank raises interest rates",
            "By Cy Ng | Reuters | Published 2024-01-10",
            "The Norland central bank raised its main interest rate to 5 percent on Wednesday.",
            "Governor Ida Vale said the rate rise was needed to bring inflation back to target.",
        ),
    ),
    (
        "reuters_bank.txt",
        _article(
            "Harbor Bank collapses after run on deposits",
            "By Di Fox | Reuters | Published 2024-02-20",
            "Harbor Bank, a regional lender in Norland, collapsed on Tuesday after a run on its "
            "deposits.",
            "Regulators took over the lender's branches and guaranteed savings up to a limit.",
        ),
    ),
]


def outlet_index(embedder: Embedder, root: Path) -> NewsIndex:
    """An index of OUTLET_ARTICLES under `root`."""
    news = NewsIndex(IndexConfig(home=root / "home"), embedder=embedder)
    news.ingest([write_articles(root / "articles", OUTLET_ARTICLES)])
    return news
