"""How well concept coding matches human DNA coding, given the human statement spans.

For each "DNA Statement" of a DNA 3 database the coder sees only the span's text (the
speaker is the document's witness, so there is no cue) and a codebook made from the
database's concept labels (labels only: no keywords, descriptions or examples). The
predicted concept is the best-scoring one (forced choice; "none" when no concept word
occurs at all and the document has no dominant concept), its qualifier the predicted
agreement.

Run: ``python -m saidwhat.network.evaluate_dna path/to/sample.dna [--method embeddings]``
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..evaluation.dna import read_statements
from ..settings import CODING_METHODS
from .codebook import Codebook, codebook_from_labels
from .coding import CodingItem, ConceptCoder

NONE = "(none)"


@dataclass(slots=True)
class DnaEvaluation:
    labels: list[str]
    concept_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted)
    agreement_pairs: list[tuple[str, str]] = field(default_factory=list)  # where concept right
    agreement_all: list[tuple[str, str]] = field(default_factory=list)  # every coded statement

    @property
    def concept_accuracy(self) -> float:
        return sum(g == p for g, p in self.concept_pairs) / max(1, len(self.concept_pairs))

    def agreement_accuracy(self, pairs: list[tuple[str, str]]) -> float:
        return sum(g == p for g, p in pairs) / max(1, len(pairs))

    def to_markdown(self) -> str:
        short = {lab: f"C{i + 1}" for i, lab in enumerate(self.labels)}
        short[NONE] = "none"
        cols = [*self.labels, NONE]
        counts = Counter(self.concept_pairs)
        lines = ["Concepts (rows: human coding, columns: saidwhat):", "",
                 "| human \\ saidwhat | " + " | ".join(short[c] for c in cols) + " | n |",
                 "|---|" + "---|" * (len(cols) + 1)]
        for g in self.labels:
            row = [counts.get((g, p), 0) for p in cols]
            lines.append(f"| {short[g]} | " + " | ".join(str(x) for x in row) + f" | {sum(row)} |")
        lines += ["", "Concept key: " + "; ".join(f"{short[c]} = {c}" for c in self.labels), "",
                  f"Concept accuracy: {sum(g == p for g, p in self.concept_pairs)}/"
                  f"{len(self.concept_pairs)} = {self.concept_accuracy:.2f}", ""]
        for title, pairs in (("Agreement where the concept matches", self.agreement_pairs),
                             ("Agreement over all statements saidwhat coded", self.agreement_all)):
            c = Counter(pairs)
            lines += [f"{title} (rows: human, columns: saidwhat):", "",
                      "| human \\ saidwhat | support | oppose | n |", "|---|---|---|---|"]
            for g in ("support", "oppose"):
                s, o = c.get((g, "support"), 0), c.get((g, "oppose"), 0)
                lines.append(f"| {g} | {s} | {o} | {s + o} |")
            lines += ["", f"Agreement accuracy: {sum(g == p for g, p in pairs)}/{len(pairs)}"
                          f" = {self.agreement_accuracy(pairs):.2f}", ""]
        return "\n".join(lines)


def evaluate_dna(path: str | Path, coder: ConceptCoder | None = None,
                 codebook: Codebook | None = None, method: str | None = None) -> DnaEvaluation:
    statements = [s for s in read_statements(path)
                  if s.statement_type == "DNA Statement" and str(s.values.get("concept") or "")]
    labels = sorted({str(s.values["concept"]) for s in statements})
    codebook = codebook or codebook_from_labels(labels, name=f"concepts of {Path(path).name}")
    if coder is None:
        # Forced choice: the best concept wins, however weak.
        coder = ConceptCoder(codebook, method=method, threshold=1e-9)
    out = DnaEvaluation(labels=labels)
    # Statements of one document share its topic (a statement without concept words takes
    # the document's dominant concept, as in ``saidwhat network``).
    codes = coder.code_many([CodingItem(s.text, None, group=f"doc{s.document_id}")
                             for s in statements])
    id_to_label = {c.id: c.label for c in codebook}
    for s, cs in zip(statements, codes, strict=True):
        gold = str(s.values["concept"])
        gold_q = "support" if s.values.get("agreement") else "oppose"
        if cs:
            best = max(cs, key=lambda c: c.score)
            pred, pred_q = id_to_label[best.concept_id], best.qualifier
            out.agreement_all.append((gold_q, pred_q))
            if pred == gold:
                out.agreement_pairs.append((gold_q, pred_q))
        else:
            pred = NONE
        out.concept_pairs.append((gold, pred))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dna", help="a DNA 3 database (.dna)")
    ap.add_argument("--method", default=None, choices=CODING_METHODS,
                    help="default: Settings.coding_method (embeddings)")
    args = ap.parse_args(argv)
    print(evaluate_dna(args.dna, method=args.method).to_markdown())


if __name__ == "__main__":
    main()
