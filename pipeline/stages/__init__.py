"""The stages of a run, one file each: extract, translate, hugo, align, reinsert.

Each stage is a small class with a ``name`` and ``run(doc, ctx)``; an executor
(``pipeline.executors``) runs them over the articles inside the energy meter.
"""
