"""File formats a run writes or reads: TMX (``tmx``), JSON Lines (``jsonl``), the pair exports (``export``:
Hugging Face, Parquet, CSV), and a run folder as its readers see it (``run_folder``)."""
