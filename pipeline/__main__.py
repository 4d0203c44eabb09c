"""``python -m pipeline`` is the same CLI as ``bitext``."""
from .cli import main

raise SystemExit(main())
