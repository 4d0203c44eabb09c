"""A small reviewed run: the article, an editor's edit, a hostile article, and the run made of them."""
from __future__ import annotations

import socket
from pathlib import Path

from pipeline.cli import main

ARTICLE = """\
---
title: "Le vélo en ville : quatre ans après"
summary: Ce que les compteurs disent vraiment.
tags:
  - mobilité
---

Printemps 2020 : Paris a tracé plus de **50 kilomètres** de pistes cyclables temporaires, vite surnommées « coronapistes ».

## Ce que disent les compteurs

La Ville publie chaque jour les relevés de ses [compteurs automatiques](https://opendata.paris.fr/).
{{<hl>}}Le trafic a triplé rue de Rivoli{{</hl>}} entre 2019 et 2023.

{{< figure src="images/rivoli.jpg" caption="Le compteur de la rue de Rivoli, un matin de semaine." >}}

{{< callout warning >}}
Les chiffres de 2023 excluent les jours de grève des transports.
{{< /callout >}}

| Axe | Tendance |
|-----|----------|
| Rue de Rivoli | {{< badge color="vert" >}}hausse{{< /badge >}} |

Pour la Ville, {{<hl>}}l'objectif reste de rendre toutes les rues cyclables d'ici 2026{{</hl>}}, selon l'adjoint chargé des mobilités.
"""

# The editor's translation of the last paragraph: the {{<hl>}} pair kept around the right words.
EDIT = "For the city, {{<hl>}}the goal is still to make every street cyclable by 2026{{</hl>}}, says the deputy mayor for transport."

HOSTILE = """\
---
title: "Titre <script>alert(1)</script>"
---

Un texte avec <script>alert(1)</script> dedans et une citation " onmouseover="x pour voir.

Un autre paragraphe : <img src=x onerror="alert(2)"> et {{<hl>}}fin " onmouseover="x{{</hl>}}.
"""


def make_run(tmp_path: Path, text: str = ARTICLE, name: str = "velo.fr.md") -> Path:
    """A pseudo run of ``text`` in ``tmp_path/run`` (energy meter off: the tests need no figures)."""
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    config = tmp_path / "fast.yaml"
    config.write_text("energy:\n  enabled: false\n", encoding="utf-8")
    out = tmp_path / "run"
    assert main(["run", str(src), "--to", "en", "--backend", "pseudo", "--config", str(config), "--out", str(out), "--quiet"]) == 0
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
