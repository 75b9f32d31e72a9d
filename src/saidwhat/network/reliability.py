"""Inter-coder reliability: Krippendorff's alpha and Cohen's kappa, on concept and agreement.

The core is pure: :func:`krippendorff_alpha` (Krippendorff 2011, "Computing Krippendorff's
Alpha-Reliability", the coincidence-matrix method; nominal, ordinal, interval and ratio
metrics, any number of coders, missing values allowed), :func:`cohen_kappa` (Cohen 1960:
two coders, nominal categories) and :func:`reliability_report`, which takes a list of
:class:`Coding` records (coder, unit, concept, agreement) from any source -- a CSV or JSONL
file (:func:`read_codings`), the review app's corrections, the machine's own coding -- and
reports coder-vs-coder figures:

* **concept**: one decision per coder and unit (the statement): the concept coded, or
  ``none``; a coder who gave one unit several concepts is taken to have coded the set
  (``a|b``), one nominal category;
* **agreement**: one decision per coder and (unit, concept): support or oppose, on the
  units where the coders coded the same concept (agreement is only comparable there).

For each pair of coders: the units both coded, percent agreement, Cohen's kappa and
Krippendorff's alpha; overall: Krippendorff's alpha over all coders and Light's kappa (the
mean of the pairwise kappas).
"""

from __future__ import annotations

import csv
import itertools
import json
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEVELS = ("nominal", "ordinal", "interval", "ratio")
NO_CONCEPT = "none"


class ReliabilityError(ValueError):
    """Data that cannot be scored (a bad file, a bad record, an unknown level)."""


# -- the coefficients ----------------------------------------------------------------------
def _units(units: Mapping[Hashable, Sequence[Any]] | Iterable[Sequence[Any]]
           ) -> list[list[Any]]:
    values = units.values() if isinstance(units, Mapping) else units
    return [[v for v in u if v is not None and not (isinstance(v, float) and math.isnan(v))]
            for u in values]


def _delta(level: str, categories: list[Any], marginals: Counter[Any]
           ) -> dict[tuple[Any, Any], float]:
    d: dict[tuple[Any, Any], float] = {}
    if level == "ordinal":
        order = sorted(categories)
        for i, c in enumerate(order):
            for j, k in enumerate(order):
                lo, hi = min(i, j), max(i, j)
                inner = sum(marginals[order[g]] for g in range(lo, hi + 1))
                d[(c, k)] = (inner - (marginals[order[lo]] + marginals[order[hi]]) / 2) ** 2
        return d
    for c in categories:
        for k in categories:
            if level == "nominal":
                d[(c, k)] = 0.0 if c == k else 1.0
            elif level == "interval":
                d[(c, k)] = (float(c) - float(k)) ** 2
            else:  # ratio
                s = float(c) + float(k)
                d[(c, k)] = ((float(c) - float(k)) / s) ** 2 if s else 0.0
    return d


def krippendorff_alpha(units: Mapping[Hashable, Sequence[Any]] | Iterable[Sequence[Any]],
                       level: str = "nominal") -> float:
    """Krippendorff's alpha of reliability data: ``units`` maps each unit (or is a list of
    units) to the values the coders gave it, ``None`` where a coder gave none. Units with
    fewer than two values cannot be paired and are left out.

    alpha = 1 - D_o / D_e from the coincidence matrix (Krippendorff 2011): o_ck = sum over
    units of (number of c-k pairs) / (m_u - 1); D_o = sum o_ck delta_ck / n; D_e = sum
    n_c n_k delta_ck / (n (n - 1)). ``level``: nominal, ordinal, interval or ratio (the
    difference function delta). Raises :class:`ReliabilityError` when nothing is pairable;
    returns 1.0 when every pairable value is the same (no variation: D_e = 0, and no
    disagreement either).
    """
    if level not in LEVELS:
        raise ReliabilityError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    pairable = [u for u in _units(units) if len(u) >= 2]
    if not pairable:
        raise ReliabilityError("no unit has two or more values: nothing to compare")
    coincidence: Counter[tuple[Any, Any]] = Counter()
    for u in pairable:
        m = len(u)
        for i, j in itertools.permutations(range(m), 2):
            coincidence[(u[i], u[j])] += 1.0 / (m - 1)
    marginals: Counter[Any] = Counter()
    for (c, _), w in coincidence.items():
        marginals[c] += w
    n = sum(marginals.values())
    categories = list(marginals)
    try:
        delta = _delta(level, categories, marginals)
    except (TypeError, ValueError) as exc:
        raise ReliabilityError(f"{level} alpha needs numeric values: {exc}") from None
    d_o = sum(w * delta[pair] for pair, w in coincidence.items()) / n
    d_e = sum(marginals[c] * marginals[k] * delta[(c, k)]
              for c in categories for k in categories) / (n * (n - 1))
    if d_e == 0:
        return 1.0
    return 1.0 - d_o / d_e


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa of two coders' nominal codes for the same units (``a[i]`` and ``b[i]``
    code unit i): (p_o - p_e) / (1 - p_e). Returns 1.0 when both coders always use one and
    the same category (p_e = 1, nothing left to agree on by chance)."""
    if len(a) != len(b):
        raise ReliabilityError(f"the two coders coded {len(a)} and {len(b)} units: give the"
                               " codes of the same units")
    if not a:
        raise ReliabilityError("no units to compare")
    n = len(a)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[c] * cb[c] for c in ca) / (n * n)
    if p_e == 1:
        return 1.0
    return (p_o - p_e) / (1 - p_e)


# -- coding records ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Coding:
    """One coder's coding of one unit (a statement): the concept (``""``: none) and the
    agreement (``support`` / ``oppose``, ``""`` when there is no concept)."""

    coder: str
    unit: str
    concept: str = ""
    agreement: str = ""


_AGREE = {"support": "support", "1": "support", "true": "support", "yes": "support",
          "agree": "support", "oppose": "oppose", "0": "oppose", "false": "oppose",
          "no": "oppose", "disagree": "oppose", "": ""}


def normalise_agreement(value: Any) -> str:
    """support / oppose from the usual spellings (DNA's 1/0, true/false, yes/no)."""
    text = str(value if value is not None else "").strip().lower()
    if isinstance(value, bool):
        text = "true" if value else "false"
    if text not in _AGREE:
        raise ReliabilityError(f"agreement {value!r}: use support/oppose (or 1/0, true/false)")
    return _AGREE[text]


@dataclass(slots=True)
class PairFigures:
    coders: tuple[str, str]
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"coders": list(self.coders), "units": self.units, "percent": _r(self.percent),
                "kappa": _r(self.kappa), "alpha": _r(self.alpha)}


@dataclass(slots=True)
class Figures:
    """One variable (concept or agreement): overall and per pair of coders."""

    variable: str
    units: int  # units coded by two coders or more
    alpha: float | None
    light_kappa: float | None
    pairs: list[PairFigures] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"variable": self.variable, "units": self.units, "alpha": _r(self.alpha),
                "light_kappa": _r(self.light_kappa), "pairs": [p.to_dict() for p in self.pairs]}


@dataclass(slots=True)
class ReliabilityReport:
    coders: list[str]
    concept: Figures
    agreement: Figures
    level: str = "nominal"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"coders": self.coders, "level": self.level, "concept": self.concept.to_dict(),
                "agreement": self.agreement.to_dict(), "warnings": self.warnings}

    def to_text(self) -> str:
        lines = [f"{len(self.coders)} coders: {', '.join(self.coders)}"]
        for f in (self.concept, self.agreement):
            lines.append(f"{f.variable}: {f.units} units coded by two coders or more;"
                         f" Krippendorff's alpha {_fmt(f.alpha)}, Light's kappa"
                         f" {_fmt(f.light_kappa)}")
            for p in f.pairs:
                pct = "n/a" if p.percent is None else f"{100 * p.percent:.1f}%"
                lines.append(f"  {p.coders[0]} vs {p.coders[1]}: {p.units} units, {pct} agree,"
                             f" kappa {_fmt(p.kappa)}, alpha {_fmt(p.alpha)}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _figures(variable: str, table: dict[Any, dict[str, str]], coders: list[str],
             level: str) -> Figures:
    """``table``: unit -> {coder: value}."""
    shared = {u: v for u, v in table.items() if len(v) >= 2}
    alpha = (krippendorff_alpha([[v.get(c) for c in coders] for v in shared.values()], level)
             if shared else None)
    pairs = []
    for x, y in itertools.combinations(coders, 2):
        both = [(v[x], v[y]) for v in table.values() if x in v and y in v]
        if not both:
            pairs.append(PairFigures((x, y), 0, None, None, None))
            continue
        a, b = [p[0] for p in both], [p[1] for p in both]
        pairs.append(PairFigures((x, y), len(both), sum(p == q for p, q in both) / len(both),
                                 cohen_kappa(a, b), krippendorff_alpha(list(both), level)))
    kappas = [p.kappa for p in pairs if p.kappa is not None]
    return Figures(variable, len(shared), alpha, sum(kappas) / len(kappas) if kappas else None,
                   pairs)


def reliability_report(codings: Iterable[Coding], level: str = "nominal") -> ReliabilityReport:
    """Coder-vs-coder reliability of ``codings`` on concept and on agreement (see the
    module docstring). ``level`` applies to both (nominal for categories)."""
    concepts: dict[tuple[str, str], set[str]] = defaultdict(set)
    agreements: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    coders: set[str] = set()
    for c in codings:
        coders.add(c.coder)
        concepts[(c.unit, c.coder)].add(c.concept or "")
        if c.concept:
            agreements[(c.unit, c.concept, c.coder)].append(c.agreement)
    ordered = sorted(coders)
    warnings = []
    by_unit: dict[str, dict[str, str]] = defaultdict(dict)
    for (unit, coder), found in sorted(concepts.items()):
        named = sorted(x for x in found if x)
        by_unit[unit][coder] = "|".join(named) if named else NO_CONCEPT
    several = sum(1 for v in concepts.values() if len({x for x in v if x}) > 1)
    if several:
        warnings.append(f"{several} coder-unit pair(s) with several concepts: compared as the"
                        " set of concepts")
    by_pair: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    mixed = 0
    for (unit, concept, coder), values in sorted(agreements.items()):
        kinds = {v for v in values if v}
        if not kinds:
            continue
        if len(kinds) > 1:
            mixed += 1
        by_pair[(unit, concept)][coder] = "both" if len(kinds) > 1 else kinds.pop()
    if mixed:
        warnings.append(f"{mixed} coder-unit-concept triple(s) coded both support and oppose:"
                        " compared as 'both'")
    return ReliabilityReport(ordered, _figures("concept", by_unit, ordered, level),
                             _figures("agreement", by_pair, ordered, level), level, warnings)


# -- reading coding files (the edge) --------------------------------------------------------
_UNIT_COLUMNS = ("unit", "unit_key", "statement", "statement_id", "id")


def _record(row: Mapping[str, Any], where: str) -> Coding:
    keys = {str(k).strip().lower(): k for k in row if k is not None}
    unit_key = next((keys[k] for k in _UNIT_COLUMNS if k in keys), None)
    if "coder" not in keys or unit_key is None:
        raise ReliabilityError(f"{where}: needs 'coder' and 'unit' (or unit_key, statement)")
    coder = str(row[keys["coder"]] or "").strip()
    unit = str(row[unit_key] or "").strip()
    if not coder or not unit:
        raise ReliabilityError(f"{where}: empty coder or unit")
    concept = str(row.get(keys.get("concept", "concept")) or "").strip()
    try:
        agreement = normalise_agreement(row.get(keys.get("agreement", "agreement")))
    except ReliabilityError as exc:
        raise ReliabilityError(f"{where}: {exc}") from None
    return Coding(coder, unit, concept, agreement if concept else "")


def read_codings(path: str | Path) -> tuple[list[Coding], list[str]]:
    """Coding records from a CSV (header: coder, unit, concept, agreement) or JSONL file
    (one object a line with those keys). Returns the records and the errors (a bad record
    names the file and line; the others are used)."""
    p = Path(path)
    out: list[Coding] = []
    errors: list[str] = []
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                        if not isinstance(rec, dict):
                            raise ReliabilityError(f"{p}:{n}: not a JSON object")
                        out.append(_record(rec, f"{p}:{n}"))
                    except json.JSONDecodeError as exc:
                        errors.append(f"{p}:{n}: not JSON: {exc.msg}")
                    except ReliabilityError as exc:
                        errors.append(str(exc))
            else:
                reader = csv.DictReader(fh, delimiter="\t" if p.suffix.lower() == ".tsv"
                                        else ",")
                for n, row in enumerate(reader, 2):
                    try:
                        out.append(_record(row, f"{p}:{n}"))
                    except ReliabilityError as exc:
                        errors.append(str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        raise ReliabilityError(f"{p}: cannot read: {exc}") from None
    return out, errors
