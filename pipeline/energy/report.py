"""``bitext energy RUN_DIR``: what a run cost, per stage and per article.

Reads the run's ``energy.jsonl`` (written by :mod:`pipeline.energy`) and
builds one report that every output shares: a terminal table, CSV or JSON
for machines, and a PNG chart written into the run folder. Why one report
dict first: the table, the CSV, the JSON and the chart can never disagree.

The report says how the numbers were obtained on its first lines and calls
an estimate an estimate: if any component of any record is not a physical
reading (``measured: false``), every energy figure is labelled "estimated".

It also states the run in Strubell et al.'s (ACL 2019) terms: their formula
``p_t = PUE · t · (p_c + p_r + g·p_g) / 1000`` with this run's average
powers filled in, the CO2e that follows, and the comparison they used, one
passenger's New York <-> San Francisco flight (1,984 lbs CO2e).
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import BitextError
from .meter import (
    ENERGY_LOG,
    LBS_TO_G,
    NY_SF_FLIGHT_G,
    NY_SF_FLIGHT_LBS,
    STRUBELL_LBS_PER_KWH,
    STRUBELL_PUE,
    read_records,
)

CHART_NAME = "energy.png"
FORMATS = ("table", "csv", "json")
_SUMMED = ("duration_s", "cpu_kwh", "gpu_kwh", "ram_kwh", "energy_kwh", "co2eq_g", "cpu_time_s")


def _sum(recs: list[dict], key: str) -> float | None:
    values = [r.get(key) for r in recs]
    if any(v is None for v in values):  # meter disabled: no energy, not zero energy
        return None
    return float(sum(values))


def _aggregate(name_key: str, name: Any, recs: list[dict], run_energy: float | None,
               run_time: float, tokens: int | None) -> dict:
    row: dict[str, Any] = {name_key: name, "records": len(recs)}
    for key in _SUMMED:
        row[key] = _sum(recs, key)
    energy = row["energy_kwh"]
    row["share"] = energy / run_energy if energy is not None and run_energy else None
    row["time_share"] = row["duration_s"] / run_time if run_time else None
    row["source_tokens"] = tokens
    row["kwh_per_1k_source_tokens"] = energy / tokens * 1000 if energy is not None and tokens else None
    return row


def _load(run_dir: Path, run_id: str | None) -> tuple[list[dict], dict | None, list[str], str]:
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise BitextError("no such run folder", path=str(run_dir))
    if not run_dir.is_dir():
        raise BitextError("not a folder: give the run's output folder", path=str(run_dir))
    log = run_dir / ENERGY_LOG
    if not log.is_file():
        raise BitextError(f"no {ENERGY_LOG} here: not a bitext run folder, or its meter never ran", path=str(run_dir))
    records = read_records(log)
    if not records:
        raise BitextError("empty energy log: the run recorded no stage", path=str(log))
    run_ids = list(dict.fromkeys(r.get("run_id") for r in records))
    chosen = run_id if run_id is not None else run_ids[-1]
    if chosen not in run_ids:
        raise BitextError(f"run id {run_id!r} not in this log (it has: {', '.join(map(str, run_ids))})", path=str(log))
    notes = []
    if len(run_ids) > 1:
        others = [str(r) for r in run_ids if r != chosen]
        notes.append(f"this folder also holds records of run(s) {', '.join(others)}; showing run {chosen}")
    recs = [r for r in records if r.get("run_id") == chosen]
    totals = [r for r in recs if r.get("stage") == "total"]
    stages = [r for r in recs if r.get("stage") != "total"]
    if not totals:
        notes.append("no closing total record (the run did not finish): totals are summed here")
    return stages, (totals[-1] if totals else None), notes, str(chosen)


def build_report(run_dir: Path, run_id: str | None = None) -> dict:
    """Per-stage and per-article figures for the (latest) run in ``run_dir``.

    Shares are shares of the run's energy (``time_share`` of its time).
    kWh per 1,000 source tokens divides a stage's energy by the source
    tokens of the articles it ran on (an article's count is the largest
    ``source_tokens`` any of its records reports), so stages that do not
    count tokens themselves are still normalised by the same article size.
    """
    stages, total_rec, notes, chosen = _load(Path(run_dir), run_id)
    ref = total_rec or (stages[-1] if stages else {})
    run_time = sum(r.get("duration_s", 0.0) for r in stages)
    run_energy = _sum(stages, "energy_kwh") if stages else (total_rec or {}).get("energy_kwh")

    article_tokens: dict[Any, int] = {}
    for r in stages:
        tok = r.get("source_tokens")
        if isinstance(tok, (int, float)) and not isinstance(tok, bool):
            article_tokens[r.get("article")] = max(article_tokens.get(r.get("article"), 0), int(tok))

    def tokens_of(articles) -> int | None:
        found = [article_tokens[a] for a in set(articles) if a in article_tokens]
        return sum(found) if found else None

    by_stage: dict[str, list[dict]] = {}
    by_article: dict[Any, list[dict]] = {}
    for r in stages:
        by_stage.setdefault(r["stage"], []).append(r)
        by_article.setdefault(r.get("article"), []).append(r)

    stage_rows = [
        _aggregate("stage", name, recs, run_energy, run_time, tokens_of(r.get("article") for r in recs))
        for name, recs in by_stage.items()
    ]
    article_rows = [
        _aggregate("article", name, recs, run_energy, run_time, article_tokens.get(name))
        for name, recs in by_article.items()
    ]
    total_row = _aggregate("stage", "total", stages, run_energy, run_time, tokens_of(by_article))
    if total_rec is not None and not stages:
        for key in _SUMMED:
            total_row[key] = total_rec.get(key)
    if total_rec is not None and total_rec.get("wall_s") is not None:
        total_row["wall_s"] = total_rec["wall_s"]
    cells = [
        {"stage": r["stage"], "article": r.get("article"), "energy_kwh": r.get("energy_kwh"),
         "duration_s": r.get("duration_s"), "co2eq_g": r.get("co2eq_g"), "status": r.get("status", "ok")}
        for r in stages
    ]

    method = dict(ref.get("method") or {})
    if total_rec is None:
        for comp in ("cpu", "gpu", "ram"):
            method[comp] = "+".join(sorted({(r.get("method") or {}).get(comp, "?") for r in stages}))
    measured = bool(stages) and all(r.get("measured") is True for r in stages)
    if total_rec is not None and not stages:
        measured = total_rec.get("measured") is True
    enabled = run_energy is not None
    report: dict[str, Any] = {
        "run_dir": str(run_dir),
        "run_id": chosen,
        "enabled": enabled,
        "method": method,
        "method_detail": ref.get("method_detail") or {},
        "measured": measured,
        "estimated": enabled and not measured,
        "pue": ref.get("pue"),
        "carbon_intensity_g_per_kwh": ref.get("carbon_intensity_g_per_kwh"),
        "carbon_intensity_source": ref.get("carbon_intensity_source"),
        "country": ref.get("country"),
        "signature": ref.get("signature"),
        "signature_str": ref.get("signature_str"),
        "hardware": ref.get("hardware") or {},
        "failed_stages": [f"{r['stage']} ({r.get('article')})" for r in stages if r.get("status") == "error"],
        "notes": notes,
        "stages": stage_rows,
        "articles": article_rows,
        "total": total_row,
        "cells": cells,
    }
    report["strubell"] = strubell_terms(report) if enabled else None
    return report


def strubell_terms(report: dict) -> dict:
    """The run restated with Strubell et al.'s eq. 1 and their flight comparison.

    Average powers are the run's energies over its stage time, before PUE:
    ``p_c = cpu_kwh / t``, ``p_r = ram_kwh / t``, ``g·p_g = gpu_kwh / t``
    (``g`` GPUs detected, ``p_g`` the average per GPU). ``p_t`` is given
    twice: with this run's PUE and intensity (it equals the logged total),
    and with the paper's constants (PUE 1.58, 0.954 lbs CO2e/kWh), which is
    the figure comparable with their table.
    """
    tot = report["total"]
    t_h = (tot["duration_s"] or 0.0) / 3600.0
    g = int(report["hardware"].get("gpu_count") or 0)
    if t_h > 0:
        p_c = tot["cpu_kwh"] * 1000 / t_h
        p_r = tot["ram_kwh"] * 1000 / t_h
        gp_g = tot["gpu_kwh"] * 1000 / t_h
    else:
        p_c = p_r = gp_g = 0.0
    p_g = gp_g / g if g else 0.0
    pue = report["pue"] or 1.0
    intensity = report["carbon_intensity_g_per_kwh"] or 0.0
    p_t_run = pue * t_h * (p_c + p_r + gp_g) / 1000
    co2_run_g = p_t_run * intensity
    p_t_paper = STRUBELL_PUE * t_h * (p_c + p_r + gp_g) / 1000
    co2_paper_lbs = STRUBELL_LBS_PER_KWH * p_t_paper
    co2_paper_g = co2_paper_lbs * LBS_TO_G
    return {
        "formula": "p_t = PUE · t · (p_c + p_r + g·p_g) / 1000   [kWh; t in h, powers in W]",
        "t_h": t_h, "p_c_w": p_c, "p_r_w": p_r, "g": g, "p_g_w": p_g,
        "run": {"pue": pue, "p_t_kwh": p_t_run, "carbon_intensity_g_per_kwh": intensity,
                "co2eq_g": co2_run_g, "flight_share": co2_run_g / NY_SF_FLIGHT_G},
        "paper": {"pue": STRUBELL_PUE, "p_t_kwh": p_t_paper, "lbs_per_kwh": STRUBELL_LBS_PER_KWH,
                  "co2eq_lbs": co2_paper_lbs, "co2eq_g": co2_paper_g, "flight_share": co2_paper_g / NY_SF_FLIGHT_G},
        "flight": {"route": "New York <-> San Francisco, one passenger", "co2eq_lbs": NY_SF_FLIGHT_LBS,
                   "co2eq_g": NY_SF_FLIGHT_G},
    }


# -- text --------------------------------------------------------------------
def _g(x: Any, spec: str = ".3g") -> str:
    return "n/a" if x is None else format(x, spec)


def _pct(x: Any) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _method_line(report: dict) -> str:
    method = ", ".join(f"{k}={v}" for k, v in report["method"].items())
    if not report["enabled"]:
        return "Method: meter disabled (energy.enabled: false): times only, no energy figures"
    if report["measured"]:
        return f"Method: {method} (measured by hardware counters)"
    return f"Method: {method} -> ESTIMATED, not measured (no readable RAPL/NVML counter for every component)"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return out


def format_table(report: dict) -> str:
    """A plain-text report for the terminal; estimates are labelled as such."""
    est = " (estimated)" if report["estimated"] else ""
    lines = [f"Energy of run {report['run_id']}  ({report['run_dir']})", _method_line(report)]
    for comp, text in (report.get("method_detail") or {}).items():
        lines.append(f"  {comp}: {text}")
    if report["enabled"]:
        lines.append(
            f"Grid: {report['country']} {_g(report['carbon_intensity_g_per_kwh'], '.1f')} g CO2eq/kWh "
            f"[{report['carbon_intensity_source']}], PUE {_g(report['pue'], '.2f')}"
        )
    if report.get("signature_str"):
        lines.append(f"Signature: {report['signature_str']}")
    for note in report["notes"]:
        lines.append(f"Note: {note}")
    if report["failed_stages"]:
        lines.append("Failed stages (energy counted): " + ", ".join(report["failed_stages"]))

    def rows(items: list[dict], key: str) -> list[list[str]]:
        return [
            [str(r[key]), _g(r["duration_s"], ".3f"), _g(r["energy_kwh"]), _g(r["co2eq_g"]),
             _pct(r["share"]), _g(r["kwh_per_1k_source_tokens"])]
            for r in items
        ]

    head = ["time (s)", f"kWh{est}", f"g CO2eq{est}", "share", "kWh/1k src tok"]
    lines += ["", "Per stage"]
    lines += _table(["stage"] + head, rows(report["stages"] + [report["total"]], "stage"))
    lines += ["", "Per article"]
    lines += _table(["article"] + head, rows(report["articles"], "article"))
    s = report.get("strubell")
    if s:
        run, paper, flight = s["run"], s["paper"], s["flight"]
        terms = f"({_g(s['p_c_w'])} W + {_g(s['p_r_w'])} W + {s['g']} · {_g(s['p_g_w'])} W)"
        lines += [
            "",
            f"In Strubell et al. (ACL 2019) terms{est}",
            f"  {s['formula']}",
            f"  this run: p_t = {_g(run['pue'], '.2f')} · {_g(s['t_h'])} h · {terms} / 1000 = {_g(run['p_t_kwh'])} kWh",
            f"            CO2e = {_g(run['p_t_kwh'])} kWh · {_g(run['carbon_intensity_g_per_kwh'], '.1f')} g/kWh"
            f" = {_g(run['co2eq_g'])} g = {_g(100 * run['flight_share'])}% of one flight",
            f"  paper's constants: p_t = 1.58 · {_g(s['t_h'])} h · {terms} / 1000 = {_g(paper['p_t_kwh'])} kWh",
            f"            CO2e = 0.954 lbs/kWh · p_t = {_g(paper['co2eq_lbs'])} lbs ({_g(paper['co2eq_g'])} g)"
            f" = {_g(100 * paper['flight_share'])}% of one flight",
            f"  one flight: {flight['route']}, {flight['co2eq_lbs']:,} lbs CO2e ({flight['co2eq_g']:,.0f} g)",
        ]
    if report.get("chart"):
        lines += ["", f"Chart: {report['chart']}"]
    return "\n".join(lines) + "\n"


def to_csv(report: dict) -> str:
    """One row per stage, per article and the total, with the method on each row."""
    buf = io.StringIO()
    fields = ["scope", "name", "records", "duration_s", "cpu_kwh", "gpu_kwh", "ram_kwh", "energy_kwh",
              "co2eq_g", "share", "time_share", "source_tokens", "kwh_per_1k_source_tokens",
              "cpu_time_s", "method", "measured"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    method = ";".join(f"{k}={v}" for k, v in report["method"].items())
    scoped = [("stage", "stage", r) for r in report["stages"]] + [("article", "article", r) for r in report["articles"]]
    scoped.append(("total", "stage", report["total"]))
    for scope, key, r in scoped:
        row = {f: r.get(f) for f in fields if f in r}
        row.update(scope=scope, name=r[key], method=method, measured=str(report["measured"]).lower())
        writer.writerow(row)
    return buf.getvalue()


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


# -- chart -------------------------------------------------------------------
def write_chart(report: dict, run_dir: Path) -> Path:
    """Stacked bars: energy per stage, one segment per article; PNG in the run folder.

    Uses matplotlib's object API with the Agg canvas, so no GUI backend and
    no global pyplot state is touched. Units follow the size of the numbers
    (J, Wh or kWh); the title says "estimated" when the figures are.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    stages = [r["stage"] for r in report["stages"]]
    articles = [r["article"] for r in report["articles"]]
    use_energy = report["enabled"]
    key = "energy_kwh" if use_energy else "duration_s"
    values: dict[Any, list[float]] = {a: [0.0] * len(stages) for a in articles}
    for cell in report["cells"]:
        if cell.get(key) is not None:
            values[cell["article"]][stages.index(cell["stage"])] += cell[key]
    top = max([sum(v[i] for v in values.values()) for i in range(len(stages))] or [0.0])
    if use_energy:
        unit, scale = "J", 3.6e6
        for name, factor in (("kWh", 1.0), ("Wh", 1e3)):
            if top * factor >= 1:
                unit, scale = name, factor
                break
        ylabel = f"energy ({unit}{', estimated' if report['estimated'] else ''})"
    else:
        unit, scale, ylabel = "s", 1.0, "time (s) - meter disabled, no energy"

    fig = Figure(figsize=(9, 5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    bottoms = [0.0] * len(stages)
    ranked = sorted(articles, key=lambda a: -sum(values[a]))
    shown, rest = ranked[:10], ranked[10:]
    series = [(str(a), values[a]) for a in shown]
    if rest:
        series.append((f"{len(rest)} other articles", [sum(values[a][i] for a in rest) for i in range(len(stages))]))
    colors = [f"C{i % 10}" for i in range(len(series))]
    for (label, vals), color in zip(series, colors):
        scaled = [v * scale for v in vals]
        ax.bar(stages, scaled, bottom=bottoms, label=label if len(label) <= 40 else label[:37] + "...", color=color)
        bottoms = [b + v for b, v in zip(bottoms, scaled)]
    ax.set_ylabel(ylabel)
    ax.set_xlabel("stage")
    what = "Energy" if use_energy else "Time"
    method = ", ".join(f"{k}: {v}" for k, v in report["method"].items() if v != "none")
    tag = "estimated" if report["estimated"] else ("measured" if use_energy else "no energy")
    ax.set_title(f"{what} per stage and article, run {report['run_id']} ({tag}; {method})", fontsize=9)
    if series:
        ax.legend(fontsize=8, title="article", title_fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    out = Path(run_dir) / CHART_NAME
    fig.savefig(out, format="png")
    return out


def energy_command(run_dir: Path, fmt: str = "table", out: TextIO | None = None) -> int:
    """Entry point of ``bitext energy RUN_DIR [--format table|csv|json]``.

    Always writes ``RUN_DIR/energy.png``; prints the report in ``fmt`` (to
    ``out``, else the current ``sys.stdout``). A missing or invalid run
    folder raises :class:`BitextError` (exit 2).
    """
    out = out if out is not None else sys.stdout
    if fmt not in FORMATS:
        raise BitextError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    report = build_report(Path(run_dir))
    report["chart"] = str(write_chart(report, Path(run_dir)))
    if fmt == "table":
        out.write(format_table(report))
    elif fmt == "csv":
        out.write(to_csv(report))
    else:
        out.write(to_json(report))
    return 0
