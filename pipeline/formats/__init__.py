"""File formats a run writes or reads: TMX, JSON Lines, the pair exports (Hugging Face, Parquet, CSV)."""
