"""What the benchmark data set holds (no Django imports: the parent process reads it too).

Changing LARGE or DATASET_VERSION changes DATASET_KEY, and `make bench` regenerates its
database and its SQLite reference copy.
"""

import datetime as dt
from typing import TypedDict


class Dataset(TypedDict):
    candidates: int
    fiscal_years: tuple[int, ...]
    milestones_each: int
    changes_total: int
    progress_each: int
    meetings: int
    entries_total: int


LARGE: Dataset = {
    "candidates": 1_000,
    "fiscal_years": (2022, 2023, 2024, 2025, 2026),
    "milestones_each": 30,
    "changes_total": 20_000,
    "progress_each": 4,
    "meetings": 2_000,
    "entries_total": 100_000,
}
DATASET_VERSION = 1
DATASET_KEY = f"v{DATASET_VERSION}:" + ",".join(f"{k}={v}" for k, v in LARGE.items())
TODAY = dt.date(2026, 11, 24)

# Search queries of 2, 3 and 6 characters, and the share of minutes entries containing each.
# datagen's phrases never contain them otherwise, so the counts are controlled.
QUERY_TERMS = {"介護": 0.05, "標準化": 0.01, "住民基本台帳": 0.002}
# Searched too, but in no minutes entry (only in candidates' business areas): a two-character
# query the database cannot stop early for, the worst case of a search. Not used to generate data.
ABSENT_QUERIES = ("戸籍",)
# One-character words (税 is in no entry, only in candidates' business areas; 県 is in 17% of
# the entries, as the generator's phrases happen to hold it) and a two-word query (every word
# must match, in any order). Not used to generate data.
MORE_QUERIES = ("税", "県", "介護 標準化")
SEARCH_QUERIES = (*QUERY_TERMS, *MORE_QUERIES, *ABSENT_QUERIES)
