"""Config loading: the defaults file agrees with the code, and mistakes are named precisely."""
from __future__ import annotations

from pathlib import Path

import pytest
from support.paths import ROOT

from pipeline.cli import main
from pipeline.config import DEFAULTS, load_config
from pipeline.errors import BitextError


def test_default_yaml_matches_code_defaults():
    assert load_config(ROOT / "configs" / "default.yaml") == DEFAULTS


def test_every_example_config_loads():
    for path in (ROOT / "configs").glob("*.yaml"):
        load_config(path)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_nested_key_is_named(tmp_path):
    cfg = _write(tmp_path, "translate:\n  num_beam: 5\n")
    with pytest.raises(BitextError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}: translate.num_beam: unknown key")


def test_wrong_type_is_named(tmp_path):
    cfg = _write(tmp_path, "energy:\n  pue: high\n")
    with pytest.raises(BitextError, match=r"energy\.pue: must be a number"):
        load_config(cfg)


def test_bad_choice_is_named(tmp_path):
    cfg = _write(tmp_path, "backend: google\n")
    with pytest.raises(BitextError, match=r"backend: 'google' is not one of"):
        load_config(cfg)


def test_partial_config_keeps_other_defaults(tmp_path):
    cfg = load_config(_write(tmp_path, "extract:\n  front_matter_keys: [title, params.subtitle]\n"))
    assert cfg["extract"]["front_matter_keys"] == ["title", "params.subtitle"]
    assert cfg["extract"]["prose_params"] == DEFAULTS["extract"]["prose_params"]
    assert cfg["translate"] == DEFAULTS["translate"]


def test_unknown_config_key_through_cli_exits_2_with_one_line(tmp_path, capsys):
    cfg = _write(tmp_path, "colour: blue\n")
    article = tmp_path / "a.fr.md"
    article.write_text("Bonjour.\n", encoding="utf-8")
    code = main(["run", str(article), "--to", "en", "--backend", "identity", "--config", str(cfg), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert str(cfg) in err[0] and "colour: unknown key" in err[0]
    assert "Traceback" not in err[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "section, key",
    [
        ("country: XYZ", "energy.country"),
        ("country: fr", "energy.country"),
        ("carbon_intensity: -5", "energy.carbon_intensity"),
        ("pue: 0.5", "energy.pue"),
        ("preset: strubell\n  pue: 1.2", "energy.preset"),
        ("preset: strubell\n  carbon_intensity: 100", "energy.preset"),
    ],
)
def test_energy_errors_name_the_file_and_stop_the_run_before_it_starts(tmp_path, capsys, section, key):
    """Issue 14, item 13: these were checked by the meter, after the run had started, without the file's name."""
    config = tmp_path / "energy.yaml"
    config.write_text(f"energy:\n  {section}\n", encoding="utf-8")
    src = tmp_path / "a.fr.md"
    src.write_text("---\ntitle: Titre\n---\n\nUn paragraphe.\n", encoding="utf-8")
    code = main(["run", str(src), "--to", "en", "--backend", "pseudo", "--config", str(config),
                 "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert err.startswith(f"bitext: {config}: {key}: "), err
    assert not (tmp_path / "out").exists()  # refused before anything ran

