"""The learned attribution model on disk and at run time (numpy only).

A model folder holds ``model.json`` (three linear models: cue, content and source, each a
feature vocabulary and its weights; the cue-extent table; the thresholds chosen on dev;
the training record), ``model-card.md`` and ``sha256`` (the SHA-256 of ``model.json``). The
checksum is verified on load: a missing or corrupt file is a :class:`ModelError` naming it.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "model.json"
CHECKSUM_FILE = "sha256"
CARD_FILE = "model-card.md"
FORMAT = "saidwhat-attribution/1"


class ModelError(RuntimeError):
    """The learned model cannot be used: missing, corrupt or of another format."""


def default_model_dir() -> Path:
    """The model shipped inside the package (``saidwhat/models/attribution-en``)."""
    return Path(str(resources.files("saidwhat") / "models" / "attribution-en"))


@dataclass
class LinearModel:
    """Logistic regression over string features: ``sigmoid(b + sum(w[f] for f in feats))``."""

    vocab: dict[str, int]
    weights: np.ndarray
    bias: float = 0.0

    def score(self, feats: list[str]) -> float:
        v = self.vocab
        w = self.weights
        total = self.bias
        for f in feats:
            i = v.get(f)
            if i is not None:
                total += w[i]
        return float(total)

    def prob(self, feats: list[str]) -> float:
        s = self.score(feats)
        return 1.0 / (1.0 + math.exp(-s)) if s > -50 else 0.0

    def to_dict(self) -> dict[str, Any]:
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        return {"features": names,
                "weights": [round(float(x), 5) for x in self.weights],
                "bias": round(float(self.bias), 5)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearModel:
        names = d["features"]
        weights = np.asarray(d["weights"], dtype=np.float64)
        if len(names) != len(weights):
            raise ValueError("features and weights differ in length")
        return cls({n: i for i, n in enumerate(names)}, weights, float(d.get("bias", 0.0)))


@dataclass
class AttributionModel:
    """The three rankers, the cue-extent table and the decision thresholds."""

    cue: LinearModel
    content: LinearModel
    source: LinearModel
    cue_extent: dict[str, float] = field(default_factory=dict)  # key -> P(child in cue)
    thresholds: dict[str, float] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    checksum: str = ""
    path: str = ""
    source_extent: dict[str, float] = field(default_factory=dict)  # key -> P(in source)

    @property
    def cue_threshold(self) -> float:
        return self.thresholds.get("cue", 0.5)

    @property
    def source_threshold(self) -> float:
        return self.thresholds.get("source", 0.3)

    @property
    def drop_threshold(self) -> float:
        return self.thresholds.get("drop_rules", 0.05)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "cue": self.cue.to_dict(),
                           "content": self.content.to_dict(), "source": self.source.to_dict(),
                           "cue_extent": {k: round(v, 4) for k, v in sorted(self.cue_extent.items())},
                           "source_extent": {k: round(v, 4)
                                             for k, v in sorted(self.source_extent.items())},
                           "thresholds": self.thresholds, "info": self.info},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> AttributionModel:
        d = json.loads(text)
        if d.get("format") != FORMAT:
            raise ValueError(f"format {d.get('format')!r}, expected {FORMAT!r}")
        return cls(LinearModel.from_dict(d["cue"]), LinearModel.from_dict(d["content"]),
                   LinearModel.from_dict(d["source"]),
                   {k: float(v) for k, v in d.get("cue_extent", {}).items()},
                   {k: float(v) for k, v in d.get("thresholds", {}).items()},
                   dict(d.get("info", {})),
                   source_extent={k: float(v) for k, v in d.get("source_extent", {}).items()})


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_loaded: dict[str, AttributionModel] = {}


def load_model(path: str | Path | None = None) -> AttributionModel:
    """The model in folder ``path`` (default: the shipped one), checksum verified; loaded once
    per process and path."""
    folder = Path(path) if path else default_model_dir()
    key = str(folder.resolve())
    if key in _loaded:
        return _loaded[key]
    model_file, sum_file = folder / MODEL_FILE, folder / CHECKSUM_FILE
    try:
        data = model_file.read_bytes()
    except OSError as exc:
        raise ModelError(f"{model_file}: cannot read the learned attribution model "
                         f"({exc.strerror or exc}); retrain it with `saidwhat train` or use "
                         "--extractor rules") from None
    try:
        expected = sum_file.read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError) as exc:
        raise ModelError(f"{sum_file}: cannot read the model's checksum ({exc}); "
                         "use --extractor rules") from None
    got = sha256_hex(data)
    if got != expected:
        raise ModelError(f"{model_file}: corrupt (SHA-256 {got[:12]}… does not match "
                         f"{sum_file}: {expected[:12]}…); use --extractor rules")
    try:
        model = AttributionModel.from_json(data.decode("utf-8"))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{model_file}: not a saidwhat attribution model ({exc})") from None
    model.checksum, model.path = got, str(folder)
    _loaded[key] = model
    return model


def model_checksum(path: str | Path | None = None) -> str | None:
    """The recorded checksum of the model in ``path`` (default: shipped), None if absent."""
    folder = Path(path) if path else default_model_dir()
    try:
        return (folder / CHECKSUM_FILE).read_text(encoding="utf-8").split()[0]
    except (OSError, IndexError):
        return None
