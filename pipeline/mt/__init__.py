"""Translators: one narrow interface (``base.Translator``: a batch of strings in, a batch out).

``identity`` and ``pseudo`` are real translators; ``marian`` (transformers)
and ``ctranslate2`` run the opus-mt models; the translation memory
(``memory.CachedTranslator``) wraps any of them, in the manner of
argos-translate. ``registry`` lists the backends for the CLI, the config
check and the factory. ``units`` is the path of model backends from text
units to sentences and back (with ``guards`` and ``segment``). Heavy
libraries are imported inside the backends only.
"""
