"""The energy meter: one JSON line per (article, stage) in ``OUT/energy.jsonl``.

Why this module exists: Strubell et al. (ACL 2019) asked NLP work to report
what it costs. Every stage of every article runs inside
:meth:`EnergyMeter.measure`, which appends one record with the stage's wall
time, its energy per component, its CO2eq, *how* each number was obtained,
the work done, and a sacrebleu-style signature of the settings. A closing
record with ``stage: "total"`` sums the run.

How the numbers are obtained
----------------------------
CodeCarbon's ``OfflineEmissionsTracker`` does the hardware work, through its
task API: one tracker per run (created lazily, on :meth:`EnergyMeter.start`
or the first stage), one ``start_task``/``stop_task`` pair per stage. It is
built so that it can never touch the network or block another run:

* *offline* tracker with ``country_iso_code``: no geolocation request;
* ``output_methods=[]`` and ``emissions_endpoint=None``: no CSV, no API, no
  HTTP, no Prometheus/Logfire (CodeCarbon 3.x has no telemetry in the
  tracker path; nothing is written outside ``out_dir``);
* ``force_carbon_intensity_g_co2e_kwh`` is always set, so CodeCarbon never
  asks Electricity Maps even if a token sits in a ``.codecarbon.config``;
* ``allow_multiple_runs=True``: CodeCarbon otherwise takes a global lock file
  ``$TMPDIR/.codecarbon.lock`` (``codecarbon/lock.py``) and a second run on
  the machine silently measures nothing;
* every setting is passed explicitly, so ``CODECARBON_*`` variables and
  config files cannot change what a record means;
* CodeCarbon's logger is set to ERROR before the tracker is built (its own
  ``log_level`` only applies half-way through its ``__init__``), INFO with
  ``verbose``.

PUE and carbon intensity are applied here, not by CodeCarbon (which gets
``pue=1.0``), so that a record is self-consistent:
``energy_kwh = pue * (cpu_kwh + gpu_kwh + ram_kwh)`` and
``co2eq_g = energy_kwh * carbon_intensity_g_per_kwh``. ``cpu_kwh``,
``gpu_kwh`` and ``ram_kwh`` are at the device, before PUE.

Honesty about the method
------------------------
``method`` says, per component, what produced the number, read from the
hardware objects CodeCarbon actually set up (not from what we hoped for):
``rapl`` (Linux powercap counters, only if ``energy_uj`` is readable),
``nvml``/``amdsmi`` (GPU energy counters), ``*-power`` (GPU power sensor
integrated over time), ``cpu-load-estimate``, ``tdp-constant-estimate``,
``ram-model``, ``none``. ``measured`` is true only when every component is
a real reading; CodeCarbon's RAM is always a model, so in practice records
say ``measured: false`` and the report says "estimated".

What each component covers. CodeCarbon itself always runs in its
``machine`` tracking mode (cheap: one read of ``/proc/stat`` and of the
memory size per task). RAM is CodeCarbon's power model for the installed
memory (``ram-model``); GPUs are the devices' NVML/AMDSMI energy counters;
RAPL, where readable, is the CPU package counter: all three are what the run
*occupies*, as in Strubell et al., who read whole-machine counters.

The CPU is the one component where a machine-wide *estimate* would mostly
measure the neighbours (other runs, other users). So when CodeCarbon falls
back on its CPU-load estimate (containers, VMs, this machine: no readable
RAPL) and ``tracking_mode`` is ``process`` (the default), ``cpu_kwh`` is
computed here with CodeCarbon's own process formula,
``cpu_seconds * TDP / threads`` (CodeCarbon's detected TDP and thread
count), from ``time.process_time()`` plus reaped children. Why not
CodeCarbon's process mode: it walks ``/proc`` for child processes several
times per task (7+ ms per record, growing with the number of processes),
and it stamps a sample's time *before* that walk; when a Python stage holds
the GIL, the 1 s monitor thread finishes the walk up to a second later and
divides the stage's CPU time by half the interval (a busy 2 s stage came
out at twice its share of the TDP). Same formula here, race-free, and still
called ``cpu-load-estimate`` because that is what it is. ``cpu_time_s`` is
in every record so the estimate can be checked. With ``tracking_mode:
machine`` the CPU number is CodeCarbon's machine-load model unchanged.

Timing: ``duration_s`` is the with-block's body, timed with
``time.perf_counter``; the meter's own cost (about 2 ms per record here,
see ``bench/meter_overhead.py``) falls outside it, while the energy window (``start_task`` to
``stop_task``) includes it. ``started_at``/``ended_at`` are derived from one
wall-clock anchor plus ``perf_counter`` offsets, so they are monotonic and
agree with ``duration_s``.
"""
from __future__ import annotations

import glob
import json
import logging
import math
import os
import resource
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import BitextError

ENERGY_LOG = "energy.jsonl"

LBS_TO_G = 453.59237
#: Strubell et al. 2019, eq. 1: PUE of 1.58 (Ascierto 2018) and 0.954 lbs
#: CO2e per kWh (US EPA 2018).
STRUBELL_PUE = 1.58
STRUBELL_LBS_PER_KWH = 0.954
STRUBELL_G_PER_KWH = STRUBELL_LBS_PER_KWH * LBS_TO_G  # 432.7 g/kWh
#: Strubell et al. 2019, table 1: air travel, one passenger, NY <-> SF.
NY_SF_FLIGHT_LBS = 1984
NY_SF_FLIGHT_G = NY_SF_FLIGHT_LBS * LBS_TO_G  # 899,927 g

WORK_COUNTERS = ("units", "sentences", "source_tokens", "target_tokens")
PRESETS = {"strubell": {"pue": STRUBELL_PUE, "carbon_intensity": STRUBELL_G_PER_KWH}}
TRACKING_MODES = ("process", "machine")

#: Methods that read a physical counter or sensor; anything else is an estimate.
MEASURED_METHODS = frozenset(
    {"rapl", "nvml", "nvml-power", "amdsmi", "amdsmi-power", "windows-emi",
     "intel-power-gadget", "powermetrics", "pmic"}
)
_CPU_MODES = {
    "intel_rapl": "rapl",
    "windows_emi": "windows-emi",
    "intel_power_gadget": "intel-power-gadget",
    "cpu_load": "cpu-load-estimate",
    "constant": "tdp-constant-estimate",
}


class EnergyError(BitextError):
    """The meter cannot do its job as configured (bad setting, CodeCarbon failure)."""


@dataclass
class EnergyConfig:
    """The ``energy:`` section of a run configuration.

    ``country`` is an ISO 3166 alpha-3 code looked up in CodeCarbon's bundled
    energy-mix table; ``carbon_intensity`` (g CO2eq/kWh) overrides it;
    ``preset: strubell`` applies the paper's constants (PUE 1.58, 0.954 lbs
    CO2e/kWh = 432.7 g/kWh). ``tracking_mode`` says how an *estimated* CPU
    is attributed: ``process`` (this run's CPU time, the default) or
    ``machine`` (CodeCarbon's whole-machine load model, neighbours included).
    It is not in the lead's YAML schema yet; the default needs no key.
    """

    country: str = "FRA"
    pue: float = 1.0
    carbon_intensity: float | None = None
    preset: str | None = None
    enabled: bool = True
    tracking_mode: str = "process"

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> "EnergyConfig":
        """From the ``energy:`` section of a loaded run configuration."""
        return cls(country=section["country"], pue=section["pue"], carbon_intensity=section["carbon_intensity"],
                   preset=section["preset"], enabled=section["enabled"])

    def check(self, country_set: bool) -> None:
        """Raise :class:`EnergyError` if the meter could not run with these settings.

        ``country_set``: the configuration names a country, which must then be
        in CodeCarbon's table when its intensity is used (the default, FRA, is).
        """
        effective = self.effective()
        if effective.enabled and country_set and effective.carbon_intensity is None:
            codecarbon_intensity(effective.country)

    def effective(self) -> "EnergyConfig":
        """Validated copy with the preset's constants filled in.

        A preset fixes both PUE and intensity; combining it with an explicit
        ``pue`` other than 1.0 or with ``carbon_intensity`` is an error
        rather than a silent precedence rule.
        """
        country = str(self.country).strip().upper()
        if len(country) != 3 or not country.isalpha():
            raise EnergyError(f"energy.country: {self.country!r} is not an ISO 3166 alpha-3 code (e.g. FRA, USA)")
        try:
            pue = float(self.pue)
        except (TypeError, ValueError):
            raise EnergyError(f"energy.pue: must be a number, got {self.pue!r}") from None
        if not math.isfinite(pue) or pue < 1.0:
            raise EnergyError(f"energy.pue: must be at least 1.0 (1.0 means no data-centre overhead), got {self.pue!r}")
        intensity = None
        if self.carbon_intensity is not None:
            try:
                intensity = float(self.carbon_intensity)
            except (TypeError, ValueError):
                raise EnergyError(
                    f"energy.carbon_intensity: must be a number of g CO2eq/kWh, got {self.carbon_intensity!r}"
                ) from None
            if not math.isfinite(intensity) or intensity < 0:
                raise EnergyError(f"energy.carbon_intensity: must be >= 0 g/kWh, got {self.carbon_intensity!r}")
        if self.tracking_mode not in TRACKING_MODES:
            raise EnergyError(f"energy.tracking_mode: {self.tracking_mode!r} is not one of {', '.join(TRACKING_MODES)}")
        preset = self.preset
        if preset is not None:
            if preset not in PRESETS:
                raise EnergyError(f"energy.preset: {preset!r} is not one of {', '.join(PRESETS)}")
            if pue != 1.0 or intensity is not None:
                raise EnergyError(
                    f"energy.preset: {preset!r} sets pue and carbon_intensity itself; remove energy.pue/energy.carbon_intensity"
                )
            pue = PRESETS[preset]["pue"]
            intensity = PRESETS[preset]["carbon_intensity"]
        return replace(self, country=country, pue=pue, carbon_intensity=intensity, preset=preset,
                       enabled=bool(self.enabled))


def codecarbon_intensity(country: str) -> tuple[float, str]:
    """Grid intensity (g CO2eq/kWh) for ``country`` from CodeCarbon's bundled data.

    Reads ``codecarbon/data/private_infra/global_energy_mix.json`` through
    CodeCarbon's own ``DataSource`` and converts it with CodeCarbon's own
    rule (the table's ``carbon_intensity`` if present, else the mix), so the
    value is what CodeCarbon would use offline. No network. An unknown code
    is an error (CodeCarbon would silently use the world average).
    """
    try:
        import codecarbon
        from codecarbon.core.emissions import Emissions
        from codecarbon.input import DataSource
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise EnergyError(f"codecarbon is not importable ({exc}); install it or set energy.enabled: false") from None
    mix = DataSource().get_global_energy_mix_data()
    if country not in mix:
        raise EnergyError(
            f"energy.country: {country!r} is not in CodeCarbon's energy-mix table; "
            "use an ISO 3166 alpha-3 code or set energy.carbon_intensity"
        )
    entry = mix[country]
    value = Emissions._global_energy_mix_to_emissions_rate(entry).kgs_per_kWh * 1000.0
    year = entry.get("year", "?")
    return value, f"codecarbon {codecarbon.__version__} global_energy_mix.json {country} ({year})"


def rapl_readable() -> bool:
    """True if a Linux powercap (RAPL) energy counter can actually be read."""
    for path in glob.glob("/sys/class/powercap/intel-rapl*/energy_uj") + glob.glob(
        "/sys/class/powercap/intel-rapl/*/energy_uj"
    ):
        try:
            with open(path, "rb") as fh:
                int(fh.read().strip())
            return True
        except (OSError, ValueError):
            continue
    return False


def _cpu_seconds() -> float:
    """CPU seconds of this process (all threads) plus its reaped children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _fmt_sig(value: Any) -> str:
    if value is None:
        return "na"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("|", "/")


class EnergyMeter:
    """Measures each stage of one run and appends records to ``out_dir/energy.jsonl``.

    ``signature`` holds the settings that produced the numbers (bitext
    version, backend, model, device, beams); the meter adds CodeCarbon's
    version and the method, as sacrebleu does for its scores.

    Call :meth:`start` right after creating the meter to keep CodeCarbon's
    one-off hardware detection (~1.5 s) out of the first stage's wall time,
    then :meth:`measure` per stage and :meth:`close` once. With
    ``enabled: false`` CodeCarbon is never imported and records keep the
    times and counters with ``null`` energies (``method: disabled``), so a
    run's log has the same shape either way.
    """

    def __init__(self, out_dir: Path, run_id: str, config: EnergyConfig | None = None,
                 signature: dict | None = None, verbose: bool = False):
        self.out_dir = Path(out_dir)
        self.run_id = str(run_id)
        self.config = (config or EnergyConfig()).effective()
        self.signature = dict(signature or {})
        self.verbose = verbose
        self.path = self.out_dir / ENERGY_LOG
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # One wall-clock anchor; every timestamp is anchor + perf_counter offset.
        self._anchor_wall = datetime.now(timezone.utc)
        self._anchor_perf = time.perf_counter()
        self._lock = threading.Lock()
        self._active = False
        self._closed = False
        self._tracker = None
        self._codecarbon_version: str | None = None
        self._method: dict[str, str] | None = None
        self._method_detail: dict[str, str] = {}
        self._hardware: dict[str, Any] = {}
        self._cpu_w_per_thread: float | None = None  # set when we estimate CPU from CPU time
        self._gpu_hw = None
        self._gpu_vendor = "nvml"
        self._records: list[dict] = []
        if self.config.enabled:
            if self.config.carbon_intensity is not None:
                self.intensity = float(self.config.carbon_intensity)
                self.intensity_source = (
                    "preset strubell: 0.954 lbs CO2e/kWh (Strubell et al. 2019, US EPA)"
                    if self.config.preset == "strubell" else "config energy.carbon_intensity"
                )
            else:
                self.intensity, self.intensity_source = codecarbon_intensity(self.config.country)
        else:
            self.intensity, self.intensity_source = None, "meter disabled"

    # -- tracker ---------------------------------------------------------
    def start(self) -> None:
        """Create the tracker and detect the hardware now (idempotent).

        The first detection costs ~2 s (CodeCarbon runs ``cpuinfo`` and loads
        its TDP table); the runner may call this before the first stage so
        that cost is not inside any stage. Otherwise the first ``measure``
        does it, still outside the stage's timed body.
        """
        if not self.config.enabled or self._tracker is not None:
            return
        cc_logger = logging.getLogger("codecarbon")
        try:
            import codecarbon
            from codecarbon import OfflineEmissionsTracker
        except ImportError as exc:
            raise EnergyError(f"codecarbon is not importable ({exc}); install it or set energy.enabled: false") from None
        level = "info" if self.verbose else "error"
        cc_logger.setLevel(level.upper())
        tracker = OfflineEmissionsTracker(
            country_iso_code=self.config.country,
            region=None,
            cloud_provider=None,
            cloud_region=None,
            country_2letter_iso_code=None,
            project_name="bitext",
            experiment_name=self.run_id,
            output_dir=str(self.out_dir),
            output_methods=[],
            emissions_endpoint=None,
            electricitymaps_api_token=None,
            api_call_interval=-1,
            measure_power_secs=3600,
            log_level=level,
            allow_multiple_runs=True,
            # Always "machine" for CodeCarbon itself: its "process" mode walks
            # /proc for child processes several times per task (7+ ms per record
            # with 77 processes, growing with the process count) and has the
            # sampling race described in the module docstring. Process
            # attribution of the CPU is done here from CPU time instead.
            tracking_mode="machine",
            pue=1.0,
            wue=0.0,
            force_carbon_intensity_g_co2e_kwh=self.intensity,
            force_cpu_power=None,
            force_ram_power=None,
            force_mode_cpu_load=False,
            rapl_include_dram=False,
            rapl_prefer_psys=False,
            gpu_ids=None,
        )
        # OfflineEmissionsTracker.__init__ is wrapped in codecarbon's
        # @suppress(Exception): a failure leaves a half-built object and a
        # log line. Check what we need instead of trusting it.
        built = vars(tracker)  # instance attributes: class-level defaults would hide a failure
        if getattr(tracker, "_another_instance_already_running", False) or not all(
            name in built for name in ("_scheduler_monitor_power", "_data_source", "run_id", "_hardware")
        ):
            raise EnergyError(
                "CodeCarbon's OfflineEmissionsTracker failed to initialise (rerun with -v to see its log), "
                "or set energy.enabled: false to run without the meter"
            )
        if tracker._output_handlers or not tracker._allow_multiple_runs:
            raise EnergyError("CodeCarbon tracker is configured to write or lock outside the run; refusing")
        tracker._electricitymaps_api_token = None  # belt and braces: never an API call
        try:
            info = tracker.get_detected_hardware()
        except Exception as exc:
            raise EnergyError(f"CodeCarbon could not detect the hardware: {type(exc).__name__}: {exc}") from exc
        self._tracker = tracker
        self._codecarbon_version = codecarbon.__version__
        self._inspect_hardware(info)

    def _inspect_hardware(self, info: dict) -> None:
        """Name each component's method from the hardware objects CodeCarbon set up."""
        tracker = self._tracker
        method = {"cpu": "none", "gpu": "none", "ram": "none"}
        detail: dict[str, str] = {}
        for hw in tracker._hardware:
            kind = type(hw).__name__
            if kind == "CPU":
                mode = getattr(hw, "_mode", "?")
                name = _CPU_MODES.get(mode, f"codecarbon-{mode}")
                if name == "rapl" and not rapl_readable():
                    name = "rapl-unverified"
                tdp = getattr(hw, "_tdp", None)
                threads = getattr(hw, "_cpu_count", None) or os.cpu_count() or 1
                self._hardware.update(cpu_tdp_w=tdp, cpu_threads=threads)
                if mode == "cpu_load" and self.config.tracking_mode == "process" and tdp:
                    self._cpu_w_per_thread = float(tdp) / threads
                    detail["cpu"] = (
                        f"process CPU seconds x {tdp:g} W TDP / {threads} threads "
                        "(CodeCarbon's TDP; no readable RAPL counter)"
                    )
                elif mode == "cpu_load":
                    detail["cpu"] = f"machine CPU load x {tdp:g} W TDP (CodeCarbon's cubic load model)"
                elif name.endswith("estimate"):
                    detail["cpu"] = f"CodeCarbon {mode} mode, TDP {tdp} W"
                else:
                    detail["cpu"] = f"CodeCarbon {mode} counters"
                method["cpu"] = name
            elif kind == "GPU":
                devices = getattr(getattr(hw, "devices", None), "devices", []) or []
                vendor = "amdsmi" if any("AMD" in type(d).__name__ for d in devices) else "nvml"
                self._gpu_hw = hw
                self._gpu_vendor = vendor
                method["gpu"] = vendor
                detail["gpu"] = f"{vendor} energy counters via CodeCarbon"
            elif kind == "RAM":
                forced = getattr(hw, "_force_ram_power", None)
                method["ram"] = "ram-constant" if forced is not None else "ram-model"
                detail["ram"] = "CodeCarbon RAM power model (W per DIMM, DIMMs estimated from installed memory)"
            elif kind == "AppleSiliconChip":
                part = getattr(hw, "chip_part", "CPU")
                method["gpu" if part == "GPU" else "cpu"] = "powermetrics"
            elif kind == "Raspberry":
                part = getattr(hw, "chip_part", "CPU")
                method["ram" if part == "RAM" else "cpu"] = "pmic"
        self._method = method
        self._method_detail = detail
        self._hardware.update(
            cpu_model=info.get("cpu_model"),
            gpu_count=info.get("gpu_count") or 0,
            gpu_model=info.get("gpu_model") or None,
            ram_total_gb=round(info["ram_total_size"], 2) if info.get("ram_total_size") else None,
            cpu_attribution=self.config.tracking_mode,
        )

    def _current_method(self) -> dict[str, str]:
        method = dict(self._method or {})
        hw = self._gpu_hw
        if hw is not None:
            devices = getattr(getattr(hw, "devices", None), "devices", []) or []
            if any(getattr(d, "_use_power_fallback", False) for d in devices):
                method["gpu"] = f"{self._gpu_vendor}-power"
        return method

    # -- signature -------------------------------------------------------
    def _signature(self, method: dict[str, str]) -> tuple[dict, str]:
        main = [m for m in (method.get("cpu"), method.get("gpu")) if m and m != "none"]
        sig = dict(self.signature)
        sig["codecarbon"] = self._codecarbon_version or "off"
        sig["method"] = "+".join(main) if main else (method.get("cpu") or "none")
        return sig, "|".join(f"{k}:{_fmt_sig(v)}" for k, v in sig.items())

    # -- measuring -------------------------------------------------------
    def _iso(self, perf: float) -> datetime:
        return self._anchor_wall + timedelta(seconds=perf - self._anchor_perf)

    @contextmanager
    def measure(self, article: str | None, stage: str) -> Iterator[dict]:
        """Measure one stage; yields a dict the stage fills with work counters.

        ``units``, ``sentences``, ``source_tokens``, ``target_tokens`` go
        into the record as they are; other keys go under ``extra``. If the
        stage raises, the record is still written (``status: "error"``: the
        energy was spent) and the exception propagates.
        """
        with self._lock:
            if self._closed:
                raise EnergyError("the energy meter is closed; open a new one for a new run")
            if self._active:
                raise EnergyError("energy meter: measure() blocks cannot be nested or run concurrently")
            self._active = True
        try:
            self.start()
            tracker = self._tracker
            work: dict[str, Any] = {}
            if tracker is not None:
                tracker.start_task(f"{stage}:{article}")
                if tracker._active_task is None:
                    raise EnergyError("CodeCarbon refused to start a task (rerun with -v to see its log)")
            cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            error: BaseException | None = None
            try:
                yield work
            except BaseException as exc:
                error = exc
                raise
            finally:
                t1 = time.perf_counter()
                cpu1 = _cpu_seconds()
                data = None
                if tracker is not None:
                    data = tracker.stop_task()
                    if data is None:
                        raise EnergyError("CodeCarbon returned no data for the task (rerun with -v to see its log)")
                self._write(self._record(article, stage, t0, t1, cpu1 - cpu0, data, work, error))
        finally:
            with self._lock:
                self._active = False

    def _record(self, article, stage, t0, t1, cpu_s, data, work, error) -> dict:
        duration = t1 - t0
        started = self._iso(t0)
        # Never equal to started_at, even for an empty stage (microsecond ISO stamps).
        ended = started + timedelta(seconds=max(duration, 1e-6))
        rec: dict[str, Any] = {
            "run_id": self.run_id,
            "article": article,
            "stage": stage,
            "status": "ok" if error is None else "error",
            "started_at": started.isoformat(timespec="microseconds"),
            "ended_at": ended.isoformat(timespec="microseconds"),
            "duration_s": duration,
        }
        if error is not None:
            rec["error"] = f"{type(error).__name__}: {error}"
        if data is not None:
            cpu = max(float(data.cpu_energy), 0.0)
            if self._cpu_w_per_thread is not None:
                cpu = max(cpu_s, 0.0) * self._cpu_w_per_thread / 3.6e6
            gpu = max(float(data.gpu_energy), 0.0)
            ram = max(float(data.ram_energy), 0.0)
            energy = self.config.pue * (cpu + gpu + ram)
            method = self._current_method()
            rec.update(
                cpu_kwh=cpu, gpu_kwh=gpu, ram_kwh=ram, energy_kwh=energy,
                co2eq_g=energy * self.intensity,
            )
        else:
            method = {"cpu": "disabled", "gpu": "disabled", "ram": "disabled"}
            rec.update(cpu_kwh=None, gpu_kwh=None, ram_kwh=None, energy_kwh=None, co2eq_g=None)
        rec.update(
            carbon_intensity_g_per_kwh=self.intensity,
            carbon_intensity_source=self.intensity_source,
            country=self.config.country,
            pue=self.config.pue,
            method=method,
            method_detail=dict(self._method_detail),
            measured=all(m in MEASURED_METHODS for m in method.values() if m != "none"),
            cpu_time_s=max(cpu_s, 0.0),
        )
        extra = {}
        for key, value in work.items():
            if key in WORK_COUNTERS:
                rec[key] = value
            else:  # kept apart so a stage can never overwrite a meter field
                extra[str(key)] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if extra:
            rec["extra"] = extra
        self._add_rates(rec)
        rec["hardware"] = dict(self._hardware)
        rec["signature"], rec["signature_str"] = self._signature(method)
        return rec

    @staticmethod
    def _add_rates(rec: dict) -> None:
        tokens = rec.get("target_tokens")
        if isinstance(tokens, (int, float)) and not isinstance(tokens, bool) and tokens > 0:
            if rec.get("duration_s"):
                rec["tokens_per_s"] = tokens / rec["duration_s"]
            if rec.get("energy_kwh") is not None:
                rec["joules_per_target_token"] = rec["energy_kwh"] * 3.6e6 / tokens

    def _write(self, rec: dict) -> None:
        self._records.append(rec)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

    @property
    def records(self) -> list[dict]:
        """The records written so far by this meter, in order (the total is the last one once closed)."""
        return list(self._records)

    # -- closing ---------------------------------------------------------
    def close(self) -> dict:
        """Append the ``stage: "total"`` record summing this run, stop the tracker.

        Idempotent: a second call returns the same total without writing.
        """
        with self._lock:
            if self._closed:
                return self._total
            if self._active:
                raise EnergyError("energy meter: close() called inside a measure() block")
            self._closed = True
        try:
            self._total = self._make_total()
            self._write(self._total)
        finally:
            if self._tracker is not None:
                self._tracker.stop()
                self._tracker = None
        return self._total

    def _make_total(self) -> dict:
        recs = self._records
        now = time.perf_counter()
        started = recs[0]["started_at"] if recs else self._iso(now).isoformat(timespec="microseconds")
        ended = recs[-1]["ended_at"] if recs else self._iso(now + 1e-6).isoformat(timespec="microseconds")
        enabled = self.config.enabled

        def total(key):
            if not enabled:
                return None
            return sum(r[key] for r in recs if r.get(key) is not None)

        method: dict[str, str] = {}
        for comp in ("cpu", "gpu", "ram"):
            names = sorted({r["method"][comp] for r in recs}) or [
                (self._method or {}).get(comp, "disabled" if not enabled else "none")]
            method[comp] = "+".join(names)
        rec: dict[str, Any] = {
            "run_id": self.run_id,
            "article": None,
            "stage": "total",
            "status": "ok" if all(r["status"] == "ok" for r in recs) else "error",
            "started_at": started,
            "ended_at": ended,
            "duration_s": sum(r["duration_s"] for r in recs),
            "wall_s": (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds(),
            "records": len(recs),
            "cpu_kwh": total("cpu_kwh"),
            "gpu_kwh": total("gpu_kwh"),
            "ram_kwh": total("ram_kwh"),
            "energy_kwh": total("energy_kwh"),
            "co2eq_g": total("co2eq_g"),
            "carbon_intensity_g_per_kwh": self.intensity,
            "carbon_intensity_source": self.intensity_source,
            "country": self.config.country,
            "pue": self.config.pue,
            "method": method,
            "method_detail": dict(self._method_detail),
            "measured": bool(recs) and all(r["measured"] for r in recs),
            "cpu_time_s": sum(r["cpu_time_s"] for r in recs),
        }
        for key in WORK_COUNTERS:
            values = [r[key] for r in recs if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]
            if values:
                rec[key] = sum(values)
        self._add_rates(rec)
        rec["hardware"] = dict(self._hardware)
        rec["signature"], rec["signature_str"] = self._signature(method)
        return rec

    def __enter__(self) -> "EnergyMeter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_records(path: Path) -> list[dict]:
    """Parse an ``energy.jsonl``; a bad line is a :class:`BitextError` naming it."""
    from ..formats.jsonl import iter_jsonl_objects

    records = []
    for lineno, rec in iter_jsonl_objects(path, "an energy record"):
        if "stage" not in rec or "duration_s" not in rec:
            raise BitextError("not an energy record (needs stage and duration_s)", path=str(path), line=lineno)
        records.append(rec)
    return records
