"""Where the tests find the repository and the shared corpus (beside the repository)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
SHARED = ROOT.parent / "shared" / "corpus"  # read-only, used in place: never copied into the project
SAMPLE = SHARED / "considerations-energetiques.fr.md"
