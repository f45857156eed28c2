"""Search relevance: typed queries with the catalog items a good search puts near the top.

Cases (tests/search/relevance.yaml) name catalog codes; `evaluate` asks a ranking function for the
catalog codes of the hits in rank order, keeps the first hit of each code (one catalog item has
service items in many regions) and scores recall@k and MRR over the distinct catalog items.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = ("official", "partial", "two_char", "colloquial", "pinyin", "initials", "pinyin_typo")
MRR_DEPTH = 20  # an expected code ranked below this counts as absent
SHOWN = 5  # distinct codes shown for a failing case


@dataclass(frozen=True)
class RelevanceCase:
    query: str
    expect: tuple[str, ...]  # catalog codes; any of them in the top k passes
    kind: str  # one of KINDS
    note: str = ""


@dataclass(frozen=True)
class KindScore:
    cases: int
    passed: int
    mrr: float

    @property
    def recall(self) -> float:
        return self.passed / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class CaseFailure:
    query: str
    kind: str
    expected: tuple[str, ...]
    got: tuple[str, ...]  # the first SHOWN distinct catalog codes
    rank: int | None  # of the first expected code among the first MRR_DEPTH, else None


@dataclass
class RelevanceReport:
    k: int
    cases: int
    passed: int
    mrr: float
    by_kind: dict[str, KindScore] = field(default_factory=dict)
    failures: list[CaseFailure] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.passed / self.cases if self.cases else 0.0

    def summary(self) -> str:
        lines = [
            f"relevance: recall@{self.k} {self.recall:.3f} ({self.passed}/{self.cases}), "
            f"MRR {self.mrr:.3f}"
        ]
        for kind, score in self.by_kind.items():
            lines.append(
                f"  {kind:<12} {score.passed:>3}/{score.cases:<3} recall@{self.k} "
                f"{score.recall:.3f}  MRR {score.mrr:.3f}"
            )
        if self.failures:
            lines.append(f"failures ({len(self.failures)}):")
        for failure in self.failures:
            rank = f"rank {failure.rank}" if failure.rank else f"not in top {MRR_DEPTH}"
            lines.append(
                f"  [{failure.kind}] {failure.query}: expected {' | '.join(failure.expected)}; "
                f"{rank}; got {', '.join(failure.got) or '(nothing)'}"
            )
        return "\n".join(lines)


def load_cases(path: str | Path) -> list[RelevanceCase]:
    """Read and check the cases; codes must be YAML strings (unquoted, 000711001001 is octal)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of cases")
    return [_case(entry, f"{path}: case {index + 1}") for index, entry in enumerate(raw)]


def _case(entry: object, where: str) -> RelevanceCase:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping")
    query, expect, kind = entry.get("query"), entry.get("expect"), entry.get("kind")
    note = entry.get("note") or ""
    if not isinstance(query, str) or not query.strip():
        raise ValueError(f"{where}: query must be a non-empty string")
    if not isinstance(expect, list) or not expect:
        raise ValueError(f"{where} ({query}): expect must be a non-empty list")
    if not all(isinstance(code, str) and code for code in expect):
        raise ValueError(f"{where} ({query}): expected codes must be quoted strings")
    if kind not in KINDS:
        raise ValueError(f"{where} ({query}): kind must be one of {', '.join(KINDS)}")
    if not isinstance(note, str):
        raise ValueError(f"{where} ({query}): note must be a string")
    return RelevanceCase(query=query, expect=tuple(expect), kind=kind, note=note)


def distinct(codes: Iterable[str]) -> list[str]:
    """The codes in order with repeats dropped (the first occurrence keeps its place)."""
    return list(dict.fromkeys(codes))


async def evaluate(
    cases: Sequence[RelevanceCase],
    ranked: Callable[[str], Awaitable[Sequence[str]]],
    k: int = 3,
) -> RelevanceReport:
    """Run every case through `ranked` (query -> catalog codes of the hits in rank order)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    passed = 0
    reciprocal = 0.0
    kinds: dict[str, list[tuple[bool, float]]] = {kind: [] for kind in KINDS}
    failures: list[CaseFailure] = []
    for case in cases:
        codes = distinct(await ranked(case.query))
        rank = _first_rank(codes[: max(k, MRR_DEPTH)], case.expect)
        hit = rank is not None and rank <= k
        score = 1.0 / rank if rank is not None and rank <= MRR_DEPTH else 0.0
        passed += hit
        reciprocal += score
        kinds.setdefault(case.kind, []).append((hit, score))
        if not hit:
            failures.append(
                CaseFailure(case.query, case.kind, case.expect, tuple(codes[:SHOWN]), rank)
            )
    by_kind = {
        kind: KindScore(
            cases=len(results),
            passed=sum(hit for hit, _ in results),
            mrr=sum(score for _, score in results) / len(results),
        )
        for kind, results in kinds.items()
        if results
    }
    return RelevanceReport(
        k=k,
        cases=len(cases),
        passed=passed,
        mrr=reciprocal / len(cases) if cases else 0.0,
        by_kind=by_kind,
        failures=failures,
    )


def _first_rank(codes: Sequence[str], expect: Sequence[str]) -> int | None:
    wanted = set(expect)
    return next((rank for rank, code in enumerate(codes, 1) if code in wanted), None)
