"""The demo steps in load order. Each module has

STEPS: list[tuple[str, Callable[[], None]]]   # run once each, in MODULES order
def logins() -> list[tuple[str, str, str]]    # (who, username, password) to print, optional

A step's name is stored in `web.DemoStep` once it has run, so it is never loaded twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from . import accounts, applications, appointments, issuance, population, reports, survey

# The register comes first (accounts pick their resident from it); the generated history
# before the survey answers, which belong to its completed applications.
MODULES: tuple[ModuleType, ...] = (
    population,
    accounts,
    appointments,
    applications,
    issuance,
    reports,
    survey,
)


def steps() -> Iterator[tuple[str, Callable[[], None]]]:
    for module in MODULES:
        yield from getattr(module, "STEPS", [])


def logins() -> Iterator[tuple[str, str, str]]:
    for module in MODULES:
        yield from getattr(module, "logins", list)()
