"""Named components and the pipeline config.

Three registries (``catalogue``, read by ``confection`` configs as spaCy's are) hold the
attribution components by name; a fourth the language packs:

==========================  ===================  ============================================
config key                  registry             built in
==========================  ===================  ============================================
``@sources`` (``[sources.NAME]``)  ``registry.sources``  ``direct_quotes.v1``, ``cue_speech.v1``,
                                                 ``name_colon.v1``, ``learned_cues.v1``
``@mergers`` (``[merger]``)  ``registry.mergers``  ``text_order_merge.v1``, ``learned_merge.v1``
``@resolvers`` (``[resolver]``)  ``registry.resolvers``  ``rule_resolver.v1``
``[pipeline] lang``          ``registry.languages``  ``en``
==========================  ===================  ============================================

Third-party packages add components with entry points in the groups ``saidwhat_sources``,
``saidwhat_mergers``, ``saidwhat_resolvers`` and ``saidwhat_languages``, or by listing the
module that registers them in ``[pipeline] imports``. The default config is
``saidwhat/default_config.cfg`` (:data:`DEFAULT_CONFIG`); :func:`load_config` merges a user
config over it and :func:`build_pipeline` turns the result into an
:class:`~saidwhat.pipeline.Attribution`. The config is plain text, so worker processes
(``saidwhat run --workers``, Dask) are handed it and build the same pipeline.
"""

from __future__ import annotations

import importlib
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import catalogue
import confection
from confection import Config

if TYPE_CHECKING:
    from .pipeline import Attribution
    from .settings import Settings


class registry(confection.registry):  # noqa: N801 - spaCy's spelling
    sources = catalogue.create("saidwhat", "sources", entry_points=True)
    mergers = catalogue.create("saidwhat", "mergers", entry_points=True)
    resolvers = catalogue.create("saidwhat", "resolvers", entry_points=True)
    languages = catalogue.create("saidwhat", "languages", entry_points=True)


DEFAULT_CONFIG: str = resources.files("saidwhat").joinpath("default_config.cfg").read_text(
    encoding="utf-8")

ConfigLike = str | Path | Config | dict[str, Any]


class ConfigError(ValueError):
    """A pipeline config that cannot be read or built (unknown component, bad setting)."""


def _register_builtins() -> None:
    # importing the modules registers their components
    from .learned import component  # noqa: F401
    from .pipeline import merge, resolve, sources  # noqa: F401


EXTRACTORS = ("rules", "learned")
DEFAULT_EXTRACTOR = "learned"  # the default config's pipeline (default_config.cfg)
LEARNED_SOURCE = "learned_cues.v1"
RULES_MERGER: dict[str, Any] = {"@mergers": "text_order_merge.v1", "one_per_cue": True,
                                "dedupe_spans": True}


def extractor_overrides(extractor: str | None = None, scheme: str | None = None,
                        model_dir: str | None = None,
                        base: ConfigLike | None = None) -> dict[str, Any]:
    """The config to merge over a pipeline config ``base`` (default: the default config) for
    ``--extractor`` and ``--scheme`` (nothing for ``None``: the config's own pipeline, which
    by default is the learned extractor under either scheme).

    ``rules``: ``base``'s sources without the learned one, and ``text_order_merge.v1`` in
    place of ``learned_merge.v1`` -- the rules' pipeline exactly as before the learned
    extractor became the default. ``learned``: ``base``'s other sources, then
    ``learned_cues.v1``, with ``learned_merge.v1`` deciding
    (:mod:`saidwhat.learned.component`); ``model_dir``: a model folder other than the
    shipped one."""
    out: dict[str, Any] = {}
    if extractor is not None and extractor not in EXTRACTORS:
        raise ConfigError(f"unknown extractor {extractor!r} (known: {', '.join(EXTRACTORS)})")
    if extractor is not None:
        cfg = base if isinstance(base, Config) and "pipeline" in base else load_config(base)
        sections = cfg.get("sources", {})
        others = [n for n in cfg.get("pipeline", {}).get("sources", [])
                  if sections.get(n, {}).get("@sources") != LEARNED_SOURCE]
        if extractor == "rules":
            out["pipeline"] = {"sources": others}
            if cfg.get("merger", {}).get("@mergers") == "learned_merge.v1":
                out["merger"] = dict(RULES_MERGER)
        else:
            model = model_dir or ""
            out["pipeline"] = {"sources": [n for n in others if n != "learned"] + ["learned"]}
            out["sources"] = {"learned": {"@sources": LEARNED_SOURCE, "model": model}}
            out["merger"] = {"@mergers": "learned_merge.v1", "model": model}
    if scheme is not None:
        out["settings"] = {"scheme": scheme}
    return out


def provenance(config: ConfigLike | None = None) -> dict[str, Any]:
    """What made an output: saidwhat version, extractor, scheme, learned model checksum
    (None for the rules). Recorded in eval JSON and in the store's run records."""
    from . import __version__

    cfg = config if isinstance(config, Config) and "pipeline" in config else load_config(config)
    extractor = extractor_of(cfg)
    checksum = None
    if extractor == "learned":
        from .learned.model import model_checksum

        names = cfg.get("pipeline", {}).get("sources", [])
        learned = next(cfg["sources"][n] for n in names
                       if cfg["sources"][n].get("@sources") == LEARNED_SOURCE)
        checksum = model_checksum(learned.get("model") or None)
    return {"saidwhat_version": __version__, "extractor": extractor,
            "scheme": cfg.get("settings", {}).get("scheme", "speech"),
            "model_checksum": checksum}


def extractor_of(config: Config) -> str:
    """``learned`` when the config's pipeline has the learned source, else ``rules``."""
    sections = config.get("sources", {})
    names = config.get("pipeline", {}).get("sources", [])
    return "learned" if any(sections.get(n, {}).get("@sources") == LEARNED_SOURCE
                            for n in names) else "rules"


@registry.languages("en")
def _english() -> Any:
    from .lang.en import pack

    return pack()


def load_config(config: ConfigLike | None = None) -> Config:
    """The default config with ``config`` merged over it.

    ``config`` is the text of a ``.cfg`` file, a path to one, a :class:`confection.Config`
    or a nested dict (``{"settings": {"doc_timeout": 30}}``); ``None``: the default."""
    base = Config().from_str(DEFAULT_CONFIG)
    if config is None:
        return base
    try:
        if isinstance(config, Path) or isinstance(config, str) and "\n" not in config \
                and config.endswith(".cfg"):
            user = Config().from_str(_with_parents(Path(config).read_text(encoding="utf-8")))
        elif isinstance(config, str):
            user = Config().from_str(_with_parents(config))
        else:
            user = Config(config)
    except (OSError, confection.ConfigValidationError, ValueError) as exc:
        raise ConfigError(f"cannot read the pipeline config: {exc}") from exc
    return base.merge(user)


def _with_parents(text: str) -> str:
    """``text`` with the parent sections that an override need not repeat: a config that
    adds ``[sources.mine]`` need not say ``[sources]`` first."""
    seen: set[str] = set()
    out: list[str] = []
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            parts = m.group(1).split(".")
            for i in range(1, len(parts)):
                parent = ".".join(parts[:i])
                if parent not in seen:
                    out.append(f"[{parent}]")
                    seen.add(parent)
            seen.add(m.group(1))
        out.append(line)
    return "\n".join(out) + "\n"


_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")


def config_text(config: ConfigLike | None) -> str | None:
    """``config`` as the text of a .cfg (what worker processes are handed), or None."""
    if config is None:
        return None
    return load_config(config).to_str()


def settings_of(config: Config) -> Settings:
    from .settings import Settings

    try:
        return Settings.from_dict(dict(config.get("settings", {})))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[settings]: {exc}") from exc


def build_pipeline(config: ConfigLike | None = None,
                   settings: Settings | None = None) -> Attribution:
    """The attribution pipeline a config describes. ``settings`` replaces the config's
    ``[settings]`` when given."""
    from .pipeline import Attribution

    cfg = config if isinstance(config, Config) and "pipeline" in config else load_config(config)
    _register_builtins()
    pipe = dict(cfg.get("pipeline", {}))
    for module in pipe.get("imports", []) or []:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ConfigError(f"[pipeline] imports: cannot import {module!r}: {exc}") from exc
    order = list(pipe.get("sources", []))
    sections = cfg.get("sources", {})
    missing = [name for name in order if name not in sections]
    if missing:
        raise ConfigError(f"[pipeline] sources: no [sources.{missing[0]}] section")
    wanted = Config({"sources": {n: sections[n] for n in order},
                     "merger": cfg["merger"], "resolver": cfg["resolver"]})
    try:
        built = registry.resolve(wanted)
    except (catalogue.RegistryError, confection.ConfigValidationError) as exc:
        raise ConfigError(f"cannot build the pipeline: {exc}") from exc
    code = pipe.get("lang", "en")
    try:
        lang = registry.languages.get(code)()
    except catalogue.RegistryError as exc:
        raise ConfigError(f"[pipeline] lang: no language pack {code!r}") from exc
    return Attribution(sources=[(n, built["sources"][n]) for n in order],
                       merger=built["merger"], resolver=built["resolver"],
                       settings=settings if settings is not None else settings_of(cfg),
                       lang=lang, config=cfg)
