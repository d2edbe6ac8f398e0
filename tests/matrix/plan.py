"""Which trees tier 2 verifies: a covering array over the options that change behaviour.

Behaviour options are found, not listed: a key is one when two baked combinations that differ in
that key alone have different trees. Every combination of values of any STRENGTH of them that
some baked combination has (the hook may refuse others) is in at least one row of the plan; the
defaults are always the first row. Each value of every other option (CI, Docker, license) meets
each value of every behaviour option in some row: each CI file runs with each database, server
and Redis choice.
covertable builds the array, deterministically: its order comes from a hash with a salt, and
the smallest plan over SALTS wins (the first such salt on a tie). `shrink` then takes rows away
while a seeded local search can move the other rows' values to cover what each one held.

Each row also gets free-text answers from TEXTS, so that names sorting before and after
`config`, non-ASCII names and names with dashes and dots are baked and run too.
"""

import itertools
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence

from covertable import make

from matrix.bake import Baked
from matrix.options import DEFAULTS, Options

STRENGTH = 3
SALTS = range(32)
# The local search's moves per attempt at one row fewer: a failed attempt costs about a second.
SHRINK_STEPS = 50_000

# Free-text answers, one set per plan row in turn (the first row keeps cookiecutter.json's).
TEXTS: list[dict[str, str]] = [
    {},
    {"project_name": "Blog", "author_name": "Ada Lovelace", "email": "ada@blog.example",
     "domain_name": "blog.example", "version": "1.0.0", "description": "A blog's chat."},
    {"project_name": "Zulu Chat", "author_name": "Zoë Zimmer", "email": "zoe+chat@zulu.example.org",
     "domain_name": "chat.zulu.example.org", "version": "2.3.0rc1", "description": "Zulu's rooms."},
    {"project_name": "Café Chat!", "author_name": "José Muñoz", "email": "jose@cafe.example",
     "domain_name": "cafe-chat.example", "version": "0.0.1.dev3", "description": "Où l'on cause."},
    {"project_name": "my-project.io", "author_name": "O'Brien & Sons", "email": "dev@my-project.io",
     "domain_name": "my-project.io", "version": "10.4.post1", "description": 'Says "hi" & <bye>.'},
]  # fmt: skip

Tuple = tuple[tuple[str, object], ...]


def behaviour_keys(baked: Sequence[Baked]) -> list[str]:
    """The keys whose value alone changes some tree, in cookiecutter.json's order."""
    selected = [item for item in baked if item.tree]
    found = []
    for key in selected[0].options if selected else []:
        trees_by_rest: dict[tuple, set[str]] = {}
        for item in selected:
            rest = tuple((k, v) for k, v in item.options.items() if k != key)
            trees_by_rest.setdefault(rest, set()).add(item.tree)
        if any(len(trees) > 1 for trees in trees_by_rest.values()):
            found.append(key)
    return found


def tuples(rows: Iterable[Options], keys: Sequence[str], strength: int = STRENGTH) -> set[Tuple]:
    """Every combination of values of `strength` of these keys that some row has."""
    width = min(strength, len(keys))
    found = set()
    for row in rows:
        for chosen in itertools.combinations(keys, width):
            found.add(tuple((key, row[key]) for key in chosen))
    return found


def allowed_tuples(baked: Sequence[Baked], keys: Sequence[str]) -> set[Tuple]:
    """The tuples some combination has that baked (the hook refuses the rest)."""
    return tuples((b.options for b in baked if b.tree), keys)


def make_plan(baked: Sequence[Baked]) -> list[Options]:
    """The plan's rows: full options (every key of cookiecutter.json, free text included)."""
    selected = [b for b in baked if b.tree]
    if not selected:
        return []
    keys = behaviour_keys(selected)
    first = selected[0].options
    # Keys and values in the order the combinations came in: cookiecutter.json's.
    values: dict[str, dict] = {key: {} for key in first}
    for item in selected:
        for key, value in item.options.items():
            values[key].setdefault(value, None)
    factors = {key: list(found) for key, found in values.items() if len(found) > 1}
    preset = {key: first[key] for key in factors}
    # Every other key has one value: a row bakes when its factors' values are a selected one's.
    allowed = {tuple(item.options[key] for key in factors) for item in selected}
    constraints = never_baked(selected, factors)
    best: list[dict] | None = None
    for salt in SALTS:
        rows = covering_rows(factors, keys, preset, str(salt), constraints)
        if all(tuple(row.values()) in allowed for row in rows) and (
            best is None or len(rows) < len(best)
        ):
            best = rows
    if best is None:
        raise RuntimeError("covertable made no plan whose every row bakes")
    best = shrink(best, factors, keys, allowed)
    return [first | row | TEXTS[number % len(TEXTS)] for number, row in enumerate(best)]


def never_baked(selected: Sequence[Baked], factors: dict[str, list]) -> list[dict]:
    """covertable constraints against the pairs and triples of values no baked combination has:
    the hook refused every combination holding them."""
    keys = list(factors)
    seen = {width: tuples((b.options for b in selected), keys, width) for width in (2, 3)}
    constraints, forbidden = [], []
    for width in (2, 3):
        for chosen in itertools.combinations(keys, min(width, len(keys))):
            for values in itertools.product(*(factors[key] for key in chosen)):
                candidate = tuple(zip(chosen, values, strict=True))
                implied = any(set(pair) <= set(candidate) for pair in forbidden)
                if candidate not in seen[width] and not implied:
                    forbidden.append(candidate)
                    conditions = [{"operator": "eq", "left": k, "value": v} for k, v in candidate]
                    constraints.append(
                        {
                            "operator": "not",
                            "condition": {"operator": "and", "conditions": conditions},
                        }
                    )
    return constraints


def covering_rows(
    factors: dict[str, list],
    keys: Sequence[str],
    preset: dict,
    salt: str,
    constraints: list[dict] | None = None,
) -> list[dict]:
    """Rows covering every STRENGTH-tuple of the behaviour keys and every pair of a behaviour
    key with another key; nothing is asked of the other keys among themselves."""
    if not factors:
        return [{}]
    behaviour, others = split(factors, keys)
    sub_models = []
    if len(behaviour) > 1:
        sub_models.append({"fields": behaviour, "strength": min(STRENGTH, len(behaviour))})
    if len(others) > 1:
        sub_models.append({"fields": others, "strength": 1})
    strength = min(2, len(factors))
    rows = make(
        factors,
        strength=strength,
        sub_models=sub_models,
        presets=[preset],
        salt=salt,
        constraints=constraints or None,
    )
    # covertable returns dicts in its own key order; the preset row comes first.
    return [{key: row[key] for key in factors} for row in rows]


def defaults_first(plan: list[Options]) -> bool:
    return bool(plan) and all(plan[0][key] == value for key, value in DEFAULTS.items())


def split(factors: dict[str, list], keys: Sequence[str]) -> tuple[list[str], list[str]]:
    """The factors that are behaviour keys, and the others."""
    behaviour = [key for key in keys if key in factors]
    return behaviour, [key for key in factors if key not in behaviour]


def requirements(factors: dict[str, list], keys: Sequence[str]) -> list[tuple[str, ...]]:
    """The sets of keys whose every combination of values (that bakes) a plan must hold: what
    covering_rows asks of covertable."""
    behaviour, others = split(factors, keys)
    width = min(STRENGTH, len(behaviour))
    found = list(itertools.combinations(behaviour, width)) if width else []
    found += [(key, other) for key in behaviour for other in others]
    return found or [(key,) for key in factors]


def shrink(
    rows: list[dict], factors: dict[str, list], keys: Sequence[str], allowed: set[tuple]
) -> list[dict]:
    """The rows, fewer if possible, covering what they covered; the first row stays as it is.

    Drops the row that alone holds the fewest required tuples, then anneals: a move sets one
    value of one row (not the first; the row must still bake), kept when it leaves no more tuples
    uncovered, or now and then anyway, less and less often. Stops at the first size no search
    of SHRINK_STEPS moves reaches. Seeded by the size, so the same rows come out every run.
    """
    names = list(factors)
    sizes = [len(factors[name]) for name in names]
    sets = [[names.index(key) for key in keys_set] for keys_set in requirements(factors, keys)]
    allowed_rows = {
        tuple(factors[name].index(value) for name, value in zip(names, row, strict=True))
        for row in allowed
    }

    # Each required set's value combinations are numbered from its own offset into one list;
    # a column's weight in a set is what one step of its value moves that number.
    offsets, weights, total = [], [[] for _ in names], 0
    for i, columns in enumerate(sets):
        offsets.append(total)
        for place, column in enumerate(columns):
            weights[column].append((i, math.prod(sizes[c] for c in columns[place + 1 :])))
        total += math.prod(sizes[c] for c in columns)

    def cells(row: Sequence[int]) -> list[int]:
        numbers = []
        for i, columns in enumerate(sets):
            number = 0
            for column in columns:
                number = number * sizes[column] + row[column]
            numbers.append(offsets[i] + number)
        return numbers

    # A combination of values no bake has is never required (the hook refused it).
    required = [False] * total
    for row in allowed_rows:
        for number in cells(row):
            required[number] = True

    def anneal(candidate: list[list[int]], rng: random.Random) -> bool:
        numbers = [cells(row) for row in candidate]
        counts = [0] * total
        for row_numbers in numbers:
            for number in row_numbers:
                counts[number] += 1
        uncovered = sum(r and not c for r, c in zip(required, counts, strict=True))
        temperature = 0.5
        for step in range(SHRINK_STEPS):
            if not uncovered:
                return True
            if step % 1000 == 999:
                temperature = max(0.05, temperature * 0.97)
            r = rng.randrange(1, len(candidate))
            row, row_numbers = candidate[r], numbers[r]
            column = rng.randrange(len(names))
            old = row[column]
            new = rng.randrange(sizes[column] - 1)
            new += new >= old
            row[column] = new
            if tuple(row) not in allowed_rows:
                row[column] = old
                continue
            moves = [
                (i, row_numbers[i], row_numbers[i] + (new - old) * w) for i, w in weights[column]
            ]
            delta = 0
            for _, was, now in moves:
                delta += required[was] and counts[was] == 1
                delta -= required[now] and counts[now] == 0
            if delta <= 0 or rng.random() < math.exp(-delta / temperature):
                for i, was, now in moves:
                    counts[was] -= 1
                    counts[now] += 1
                    row_numbers[i] = now
                uncovered += delta
            else:
                row[column] = old
        return not uncovered

    current = [[factors[name].index(row[name]) for name in names] for row in rows]
    while len(current) > 1:
        numbers = [cells(row) for row in current]
        held = Counter(number for row_numbers in numbers for number in row_numbers)
        alone = [sum(held[number] == 1 for number in row_numbers) for row_numbers in numbers]
        dropped = min(range(1, len(current)), key=lambda n: alone[n])
        candidate = [list(row) for n, row in enumerate(current) if n != dropped]
        if not anneal(candidate, random.Random(len(candidate))):
            break
        current = candidate
    return [{name: factors[name][row[c]] for c, name in enumerate(names)} for row in current]
