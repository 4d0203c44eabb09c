"""``bitext eval``: BLEU and chrF of the whole pipeline against the bare model (see ``command.py``)."""
