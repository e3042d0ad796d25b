"""The words and rules every way of hiding shares: why a cell is hidden (small, one outcome,
complementary), which cells are sensitive in themselves, and the Wilson interval shown beside a
value."""

from __future__ import annotations

import numpy as np

NO_DETAIL = "__none__"
KEYS = ["school_year", "window_id", "detail", "all_details"]
SMALL, ONE_OUTCOME, COMPLEMENT = "small", "one outcome", "complementary"


def wilson_interval(meeting: np.ndarray, n: np.ndarray,
                    z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval of meeting / n, in percent (NaN where n is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = meeting / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return 100 * np.clip(centre - half, 0, 1), 100 * np.clip(centre + half, 0, 1)


def _sensitive(n: np.ndarray, meeting: np.ndarray, min_n: int, disclosive_n: int) -> np.ndarray:
    """Cells whose own value must not be known: small, or small enough and all one outcome."""
    n = np.asarray(n, dtype=float)
    meeting = np.asarray(meeting, dtype=float)
    same = (meeting == 0) | (meeting == n)
    return (n > 0) & ((n < min_n) | ((n < disclosive_n) & same))
