"""Small-cell suppression with complementary suppression (docs/reports.md).

Outside the hub a count from 1 to 4 is shown as "<5" (primary suppression). That alone is not
enough: a table shows its total, so one hidden cell equals the total minus the others; and a
fiscal year is the sum of its months, so a month's hidden cell equals the year minus the other
months. Every such equation is a *group*: some cells and the total they add up to. Totals are
cells like the others (a month's total is also a cell of the year's equation).

We work out what someone who knows every shown number, every equation, that a "<5" cell is
between 1 and 4 and that an "x" cell (hidden to protect another) is 5 or more, can deduce: each
hidden cell's lowest and highest possible value, tightened equation by equation until nothing
moves (interval propagation over all equations at once, so a deduction in a row is used in the
columns it crosses). While some "<5" cell is pinned to one value, one more shown non-zero cell of
an equation around it is hidden ("x"): of the smallest few, the one that leaves the fewest pinned
cells. Hiding only ever adds, so this ends, and the result depends only on the figures: the same
cell gets the same treatment whichever period is asked.

Interval propagation can miss a deduction that needs whole-number reasoning across many
equations; tests/reports/test_suppression.py checks the result by exhaustive search on small
tables, random ones included.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable

SHOWN = "shown"
SMALL = "small"  # 1–4, shown as "<5"
HIDDEN = "hidden"  # 5 or more, hidden so that a small cell cannot be worked out; shown as "x"

SMALL_MAX = 4


def initial_status(count: int) -> str:
    return SMALL if 1 <= count <= SMALL_MAX else SHOWN


def possible_ranges(values: dict, status: dict, equations: list[tuple[list, Hashable]]) -> dict:
    """The lowest and highest value each hidden cell can take given what is shown."""
    ceiling = sum(values.values())
    bounds = {
        cell: ((1, SMALL_MAX) if state == SMALL else (SMALL_MAX + 1, ceiling))
        for cell, state in status.items()
        if state != SHOWN
    }
    for cell, state in status.items():
        if state == SHOWN:
            bounds[cell] = (values[cell], values[cell])
    changed = True
    while changed:
        changed = False
        for cells, total in equations:
            # sum(cells) - total = 0, each term with its bounds.
            terms = [(cell, 1) for cell in cells] + [(total, -1)]
            low_sum = sum(bounds[cell][0] if sign > 0 else -bounds[cell][1] for cell, sign in terms)
            high_sum = sum(bounds[cell][1] if sign > 0 else -bounds[cell][0] for cell, sign in terms)
            for cell, sign in terms:
                if status[cell] == SHOWN:
                    continue
                low, high = bounds[cell]
                own_low, own_high = (low, high) if sign > 0 else (-high, -low)
                # This term must cancel the others: between -(others' high) and -(others' low).
                term_low, term_high = -(high_sum - own_high), -(low_sum - own_low)
                new_low, new_high = (term_low, term_high) if sign > 0 else (-term_high, -term_low)
                new_low, new_high = max(low, new_low), min(high, new_high)
                if (new_low, new_high) != (low, high) and new_low <= new_high:
                    bounds[cell] = (new_low, new_high)
                    changed = True
    return bounds


def pinned_cells(status: dict, bounds: dict) -> tuple[list, list]:
    """The small cells and the hidden cells whose possible range is a single value."""
    small, hidden = [], []
    for cell, state in status.items():
        if state != SHOWN and bounds[cell][0] >= bounds[cell][1]:
            (small if state == SMALL else hidden).append(cell)
    return sorted(small, key=repr), sorted(hidden, key=repr)


# How many complementary candidates are tried at each step (the smallest ones).
CANDIDATES_TRIED = 8


def protect(values: dict[Hashable, int], groups: Iterable[tuple[list, Hashable]]) -> dict[Hashable, str]:
    """The status of every cell of ``values`` (shown, small or hidden) such that no small cell
    can be worked out from the groups ``(cells, total)``, in which the cells add up to the total.

    At each step the candidates are the smallest shown non-zero cells of the equations around
    the pinned cells; the one that leaves the fewest pinned small cells, then the fewest
    equations with a single hidden cell, then the fewest pinned hidden cells wins (then the
    smallest). In a table of months by categories this hides the corners of a rectangle, the
    classic pattern, instead of a whole row."""
    equations = [(sorted(cells, key=repr), total) for cells, total in groups]
    around: dict[Hashable, list[int]] = defaultdict(list)
    for index, (cells, total) in enumerate(equations):
        for cell in [*cells, total]:
            around[cell].append(index)
    status = {cell: initial_status(count) for cell, count in values.items()}
    small, hidden = pinned_cells(status, possible_ranges(values, status, equations))
    while small:
        candidates = complements_for([*small, *hidden], values, status, equations, around)
        if not candidates:
            # Nothing left to hide near these cells (every neighbour is hidden or zero).
            return status
        best = None
        for candidate in candidates[:CANDIDATES_TRIED]:
            status[candidate] = HIDDEN
            after = pinned_cells(status, possible_ranges(values, status, equations))
            score = (len(after[0]), lonely_equations(status, equations), len(after[1]))
            status[candidate] = SHOWN
            if best is None or score < best[0]:
                best = (score, candidate, after)
        _score, chosen, (small, hidden) = best
        status[chosen] = HIDDEN
    return status


def lonely_equations(status: dict, equations: list) -> int:
    """How many equations hold exactly one hidden cell (that cell is the others' difference)."""
    lonely = 0
    for cells, total in equations:
        hidden = sum(1 for cell in cells if status[cell] != SHOWN) + (status[total] != SHOWN)
        lonely += hidden == 1
    return lonely


def complements_for(pinned: list, values: dict, status: dict, equations: list, around: dict) -> list:
    """Shown non-zero cells in the equations around ``pinned``, smallest first, looking further
    out through hidden cells when those equations have none."""
    seen_cells, seen_equations, frontier = set(pinned), set(), list(pinned)
    while frontier:
        members = []
        for current in frontier:
            for index in around[current]:
                if index not in seen_equations:
                    seen_equations.add(index)
                    cells, total = equations[index]
                    members += [*cells, total]
        candidates = sorted(
            {member for member in members if status[member] == SHOWN and values[member] > 0},
            key=lambda member: (values[member], repr(member)),
        )
        if candidates:
            return candidates
        frontier = [member for member in members if member not in seen_cells and status[member] != SHOWN]
        seen_cells.update(frontier)
    return []


# Figures of the moment are rounded to a multiple of this for suppressed viewers.
ROUNDING_BASE = 5


def rounded(count: int) -> tuple[int | None, str]:
    """A figure of the moment for a suppressed viewer, as ``(value, display)``: 0 as it is, 1–4
    as "<5", anything else to the nearest multiple of 5 (halves up). Rounding every figure, not
    only the small ones, means that no equation between them (beds of a kind = free + held +
    occupied + out of service) pins a "<5" cell, and that one family's arrival moves a figure
    only when it crosses a multiple of 5 — without saying by how much."""
    if count == 0:
        return 0, "0"
    if count <= SMALL_MAX:
        return None, "<5"
    value = (count + ROUNDING_BASE // 2) // ROUNDING_BASE * ROUNDING_BASE
    return value, str(value)


def display(count: int | None, status: str) -> str:
    if status == SMALL:
        return "<5"
    if status == HIDDEN:
        return "x"
    return "" if count is None else str(count)
