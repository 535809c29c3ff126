"""Proposal updates run in the background (immediately in development and tests)."""

from django_tasks import task

from cnfs.matching import engine


@task()
def refresh_candidate_task(candidate_pk: int):
    engine.refresh_candidate(candidate_pk)


@task()
def refresh_structure_task(structure_pk: int):
    engine.refresh_structure(structure_pk)
