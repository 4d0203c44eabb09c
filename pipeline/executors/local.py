"""The local executor: runs the stages in this process, article after article.

The articles of a group go through the stages in segments. A stage that asks
for groups (``group_size`` > 1, say one that sends the sentences of several
articles to a model in one call) runs once on the whole group, with
``run_many``, as one energy record; the stages between such stages run
article by article, each its own energy record. When no stage asks for
groups, each article goes through all the stages before the next one starts.
A failing article fails alone; the others go on.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..errors import BitextError
from ..stages.base import Stage
from .base import Executor, Job, RunOptions, RunResult

__all__ = ["LocalExecutor", "RunOptions", "RunResult"]


class LocalExecutor(Executor):
    """Runs the stages of a run in this process (see the module docstring)."""

    def run_group(self, jobs: list[Job]) -> None:
        segments = self._segments(self.group_size() > 1)
        for n, (stages, grouped) in enumerate(segments):
            last = n == len(segments) - 1
            ready = [j for j in jobs if j.pending]
            if grouped:
                self._run_grouped(stages[0], ready, last)
            else:
                for job in ready:
                    self._run_chain(job, stages, last)

    def _segments(self, groups: bool) -> list[tuple[list[Stage], bool]]:
        """The stage list cut around the stages that run on a whole group: (stages, grouped) in order."""
        segments: list[tuple[list[Stage], bool]] = []
        for stage in self.stages:
            grouped = groups and stage.group_size(self.opt.config, self.translator) > 1
            if grouped or not segments or segments[-1][1]:
                segments.append(([stage], grouped))
            else:
                segments[-1][0].append(stage)
        return segments

    def _run_chain(self, job: Job, stages: list[Stage], last: bool) -> None:
        """One article through some stages, one energy record each; finished after the last stage."""
        try:
            for stage in stages:
                job.ctx.work = {}
                with self.measure(job.label, stage.name) as work:
                    job.doc = stage.run(job.doc, job.ctx)
                    if work is not None:
                        work.update(job.ctx.work)
            if last:
                self.finish(job)
        except BitextError as exc:
            self.fail(job, exc)

    def _run_grouped(self, stage: Stage, jobs: list[Job], last: bool) -> None:
        """One stage over a group of articles in one call: one energy record for the group.

        Its cost cannot be split honestly between the articles: the record is
        named ``batch of N articles``, lists them, and sums their work counters.
        """
        if not jobs:
            return
        label = f"batch of {len(jobs)} articles" if len(jobs) > 1 else jobs[0].label
        for job in jobs:
            job.ctx.work = {}
        try:
            with self.measure(label, stage.name) as work:
                docs = stage.run_many([j.doc for j in jobs], [j.ctx for j in jobs])
                if work is not None:
                    work.update(_summed(j.ctx.work for j in jobs), articles=[j.label for j in jobs])
            for job, doc in zip(jobs, docs):
                job.doc = doc
                if last:
                    self.finish(job)
        except BitextError as exc:
            for job in jobs:
                if job.pending:
                    self.fail(job, exc)


def _summed(works: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The work counters of several articles added up (in the order the first article gave them)."""
    total: dict[str, Any] = {}
    for work in works:
        for key, value in work.items():
            total[key] = total.get(key, 0) + value
    return total
