"""Translators: one narrow interface (a batch of strings in, a batch out).

Caching, sentence splitting and guards are wrappers around it, in the manner
of argos-translate. Heavy libraries are imported inside the backends only.
"""
