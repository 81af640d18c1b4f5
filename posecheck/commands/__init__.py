"""CLI commands beyond `score` and `record`, one module per feature.

Each module defines `register(main)`, which adds its commands to the `posecheck` group.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def register_all(main: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(main)
