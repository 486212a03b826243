"""Match-making: which offers can answer a need, and which needs an offer can answer, ranked
with the reasons for each pairing. Its two halves:

- core/matching_rules.py: the rules over two listings' facts, without a database: the hard
  filters that make a pair possible, the weighted score and its reasons, the default
  threshold of a proposal.
- core/matching_ranking.py: reading those facts from the database, selecting and pre-scoring
  the candidates in SQL, and ranking the best few by the rules.

What happens to a match once proposed (decisions, the draft partnership) is
core/matchmaking.py. The names below are importable from here, whichever half holds them."""

from core.matching_ranking import PRESELECT, rank, sides
from core.matching_rules import (
    DEFAULT_THRESHOLD,
    Reason,
    Scored,
    Side,
    Weights,
    place_precision,
    possible,
    regions_of,
    score_pair,
    words_of,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "PRESELECT",
    "Reason",
    "Scored",
    "Side",
    "Weights",
    "place_precision",
    "possible",
    "rank",
    "regions_of",
    "score_pair",
    "sides",
    "words_of",
]
