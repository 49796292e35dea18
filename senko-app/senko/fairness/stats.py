"""The statistics of the adverse-impact report: proportions with Wilson intervals, ratios with Katz intervals.

Pure functions over counts (no database), shared by the report and the model card.
"""
import math

Z95 = 1.959963984540054


def rate(successes: int, trials: int) -> float | None:
    """``successes / trials`` rounded to 4 places, None when there are no trials."""
    return round(successes / trials, 4) if trials else None


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (95 % by default) of a proportion; None without trials."""
    if not trials:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def ratio_interval(a: int, n1: int, b: int, n2: int, z: float = Z95) -> dict | None:
    """The ratio of two independent proportions ``(a/n1) / (b/n2)`` with its Katz log interval (95 %).

    With a zero count, 0.5 is added to both successes and trials of both groups (Haldane's
    correction) for the interval only; the point estimate stays the plain ratio. None when the
    ratio is undefined (no trials, or the reference rate is 0).
    """
    if not n1 or not n2 or not b:
        return None
    value = (a / n1) / (b / n2)
    if a == 0 or a == n1 or b == n2:
        a, n1, b, n2 = a + 0.5, n1 + 0.5, b + 0.5, n2 + 0.5
    log_ratio = math.log((a / n1) / (b / n2))
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return {"value": round(value, 4), "low": round(math.exp(log_ratio - z * se), 4),
            "high": round(math.exp(log_ratio + z * se), 4)}


def group_rates(rows: list[tuple[str, float | None, str | None]], threshold: float) -> dict[str, dict]:
    """Counts per group from ``(group, score, decision)`` rows: applicants, scored, above threshold, decided, OK,
    and the sums for calibration (score of decided applicants)."""
    groups: dict[str, dict] = {}
    for group, score, decision in rows:
        g = groups.setdefault(group, {"applicants": 0, "with_score": 0, "above": 0, "decided": 0, "ok": 0,
                                      "calibration_n": 0, "calibration_score": 0.0, "calibration_ok": 0})
        g["applicants"] += 1
        if score is not None:
            g["with_score"] += 1
            g["above"] += score >= threshold
        if decision is not None:
            g["decided"] += 1
            g["ok"] += decision == "OK"
            if score is not None:
                g["calibration_n"] += 1
                g["calibration_score"] += score
                g["calibration_ok"] += decision == "OK"
    return groups


def impact(groups: dict[str, dict], successes: str, trials: str, min_group: int) -> dict:
    """Four-fifths ratios of every group's ``successes/trials`` against the highest group's rate.

    The reference is the group with the highest rate among those with at least ``min_group`` trials
    (any group when none has that many). Returns ``{"reference": name|None, "ratios": {group: interval|None}}``.
    """
    rated = {name: g[successes] / g[trials] for name, g in groups.items() if g[trials]}
    eligible = {name: r for name, r in rated.items() if groups[name][trials] >= min_group} or rated
    if not eligible:
        return {"reference": None, "ratios": {name: None for name in groups}}
    reference = max(sorted(eligible), key=lambda name: eligible[name])
    ref = groups[reference]
    same = {"value": 1.0, "low": 1.0, "high": 1.0}  # the reference against itself
    return {"reference": reference,
            "ratios": {name: same if name == reference else ratio_interval(g[successes], g[trials], ref[successes],
                                                                           ref[trials])
                       for name, g in groups.items()}}
