"""Texts the encoder parity tests embed; `make_reference_vectors.py` stored their reference vectors."""

from __future__ import annotations

BRIDGE = (
    "The Harbour bridge will reopen to traffic on 12 May after two years of repairs, the city "
    "council said on Monday. Engineers replaced 400 steel cables and resurfaced the deck."
)
LONG = " ".join(f"word{i % 50} bridge repairs" for i in range(400))  # far over 256 word pieces

TEXTS = [
    "Who led the US delegation?",
    "a",
    BRIDGE,
    "Ünïcödé text — “curly quotes”, an em dash and 2.3 million euros",
    "Istanbul",
    "",
    LONG,
]

_FIRST = BRIDGE.index(".") + 1
# Sentence spans pooled from one forward pass; the last span holds no token (falls back to the
# chunk's own vector).
LATE_TEXTS = [BRIDGE]
LATE_SPANS = [[(0, _FIRST), (_FIRST + 1, len(BRIDGE)), (5, 5)]]
