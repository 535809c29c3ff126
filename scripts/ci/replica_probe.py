"""A task for scripts/ci/replica_check.py: appends its token and the worker's process id
to a file (one short write with O_APPEND: lines never interleave)."""

import os
import time

from django_tasks import task


@task()
def probe(path: str, token: str) -> None:
    time.sleep(0.05)  # long enough for both workers to take part
    with open(path, "a") as handle:
        handle.write(f"{token} {os.getpid()}\n")
