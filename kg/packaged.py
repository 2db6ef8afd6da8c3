"""Files the installed package carries: the ontology, the SHACL shapes and the JSON-LD context.

The top-level ``ontology/`` of the repository is their source; ``kg/ontology/`` holds copies that the
wheel ships (tests/test_packaging.py fails when a copy differs from its source).  They are found with
``importlib.resources``, never relative to the checkout, so a wheel installed anywhere has them.
"""

from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from pathlib import Path

_KEPT = contextlib.ExitStack()  # paths extracted from a zipped install live until the process ends
atexit.register(_KEPT.close)


def path(name: str) -> Path:
    """A packaged file of ``kg/ontology/`` as a path on disk (the file itself in an ordinary install)."""
    return _KEPT.enter_context(resources.as_file(resources.files("kg") / "ontology" / name))


ONTOLOGY = path("officials.ttl")
SHAPES = path("shapes.ttl")
