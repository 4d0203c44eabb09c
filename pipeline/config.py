"""Run configuration: YAML files validated against a typed schema.

Every key is known: an unknown key or a value of the wrong type is an error
that names ``file: dotted.key: problem`` (OpusFilter only warns, and a typo
silently does nothing; confection-style errors are kinder). The defaults
live in ``configs/default.yaml`` and in ``DEFAULTS`` below, which must agree
(a test checks it).
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .errors import BitextError
from .mt.registry import BACKENDS, DEFAULT_BACKEND

# A schema is the default value itself: its type is the type the key must have.
# ``None`` defaults accept a string or a number; lists must hold strings.
DEFAULTS: dict[str, Any] = {
    "source_lang": "fr",
    "target_lang": "en",
    "output_dir": "outputs",
    "backend": DEFAULT_BACKEND,
    "extract": {
        "front_matter_keys": ["title", "subtitle", "summary", "description", "tags", "categories"],
        "prose_params": ["caption", "title", "alt"],
        "shortcode_prose_params": {"tab": ["header"], "notice": [1], "details": ["summary"], "button": [0]},
        "code_shortcodes": ["highlight", "code", "mermaid", "chart", "katex", "math", "raw", "gist"],
        "paired_shortcodes": [
            "callout", "notice", "hl", "details", "tab", "tabpane", "tabs", "highlight", "expand", "alert",
            "admonition", "hint", "spoiler", "mermaid", "columns", "steps", "cards", "blocks/section", "alert",
        ],
    },
    "translate": {
        "model": None,
        "device": "auto",
        "threads": None,
        "revision": None,
        "num_beams": 4,
        "batch_size": 16,
        "articles_per_batch": 8,
        "max_length_ratio": 2.5,
        "do_not_translate": [],
        "cache": True,
        "cache_path": None,
        "fuzzy_threshold": 85,
        "compute_type": "auto",
        "batch_tokens": 2048,
        "inter_threads": None,
        "shortlist": None,
        "dtype": "float32",
    },
    "hugo": {
        "translation_key": True,
        "draft": False,
        "translated_by_key": None,
    },
    "align": {
        "memory_min_confidence": 0.8,
    },
    "energy": {
        "enabled": True,
        "country": "FRA",
        "pue": 1.0,
        "carbon_intensity": None,
        "preset": None,
    },
}

_NUMBER = (int, float)
_KINDS = ((bool, bool, "true or false"), (_NUMBER, _NUMBER, "a number"), (list, list, "a list"), (str, str, "a string"))


def _check(value: Any, default: Any, key: str, source: str) -> Any:
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise BitextError(f"{key}: must be a mapping, got {type(value).__name__}", path=source)
        merged = copy.deepcopy(default)
        free_keys = key.endswith("shortcode_prose_params")
        for k, v in value.items():
            dotted = f"{key}.{k}" if key else str(k)
            if free_keys:
                if not isinstance(v, list):
                    raise BitextError(f"{dotted}: must be a list of parameter names or positions", path=source)
                merged[k] = v
                continue
            if k not in default:
                known = ", ".join(sorted(default))
                raise BitextError(f"{dotted}: unknown key (known keys here: {known})", path=source)
            merged[k] = _check(v, default[k], dotted, source)
        return merged
    if default is None:
        if value is not None and not isinstance(value, (str, int, float)):
            raise BitextError(f"{key}: must be a string or a number", path=source)
        return value
    for kind, accepted, words in _KINDS:  # bool first: True is also a number
        if isinstance(default, kind):
            if not isinstance(value, accepted) or (isinstance(value, bool) and kind is not bool):
                raise BitextError(f"{key}: must be {words}, got {value!r}", path=source)
            return value
    return value


_CHOICES = {
    "source_lang": ("en", "fr"),
    "target_lang": ("en", "fr"),
    "backend": tuple(BACKENDS),
    "translate.device": ("auto", "cpu", "cuda"),
    "translate.dtype": ("float32", "bfloat16"),
    "energy.preset": (None, "strubell"),
}


def _check_choices(cfg: dict, source: str) -> None:
    for dotted, allowed in _CHOICES.items():
        cur: Any = cfg
        for part in dotted.split("."):
            cur = cur[part]
        if cur not in allowed:
            shown = ", ".join(str(a) for a in allowed)
            raise BitextError(f"{dotted}: {cur!r} is not one of {shown}", path=source)
    if cfg["translate"]["num_beams"] < 1 or cfg["translate"]["batch_size"] < 1 or cfg["translate"]["batch_tokens"] < 1:
        raise BitextError("translate.num_beams, translate.batch_size and translate.batch_tokens: must be at least 1",
                          path=source)
    inter = cfg["translate"]["inter_threads"]
    if inter is not None and (not isinstance(inter, int) or inter < 1):
        raise BitextError(f"translate.inter_threads: must be a whole number of at least 1 or null, got {inter!r}", path=source)
    if not 50 <= cfg["translate"]["fuzzy_threshold"] <= 100:
        raise BitextError("translate.fuzzy_threshold: must be between 50 and 100 (% similarity)", path=source)
    if not 0.0 <= cfg["align"]["memory_min_confidence"] <= 1.0:
        raise BitextError("align.memory_min_confidence: must be between 0 and 1 (a link's confidence)", path=source)


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """The defaults, overlaid with the YAML file at ``path`` if given, validated."""
    if path is None:
        return copy.deepcopy(DEFAULTS)
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BitextError("config file not found", path=str(p)) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BitextError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=str(p), line=mark.line + 1 if mark else None) from None
    cfg = _check(data, DEFAULTS, "", str(p))
    _check_choices(cfg, str(p))
    _check_energy(cfg, "country" in (data.get("energy") or {}), str(p))
    return cfg


def _check_energy(cfg: dict, country_set: bool, source: str) -> None:
    """The energy meter's own checks (country, intensity, preset), as errors naming the file."""
    from .energy.meter import EnergyConfig, EnergyError

    try:
        EnergyConfig.from_section(cfg["energy"]).check(country_set)
    except EnergyError as exc:
        raise BitextError(exc.problem, path=source) from None
