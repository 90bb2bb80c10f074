"""Industry match between a project and a park, in [0, 1]: the siting criterion asks the one matcher that
also serves the park search and the API (``findpark.taxonomy.matching``, where the levels are documented)."""
from __future__ import annotations

from ..taxonomy.matching import (CHAIN, CHAIN_EDGES, DIVISION, EXACT, GROUP, LEVEL_NAMES, SECTION,  # noqa: F401
                                 Query, match, pair_level, parse)
