"""Where the articles of a run come from and where their translations go: the files of a Hugo
site or content folder (``site``), or the records of a JSONL file or a dataset (``records``)."""
