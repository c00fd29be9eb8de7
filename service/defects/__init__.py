"""The catalogue of deliberate defects the acceptance suite must catch (switched on by name).

Each capability keeps its defects in its own module here (`DEFECTS`); this file only assembles
them. Nothing in the service's normal code imports this package: the application switches
defects on from outside, once its components are built.
"""

from __future__ import annotations

from typing import Any

from service.core.settings import ConfigurationError
from service.defects import (
    abandonment,
    accounts,
    deployment,
    health,
    idempotency,
    input_rules,
    limits,
    onboarding,
    orders,
    phone_numbers,
    refunds,
    reversals,
    sign_in,
    wallet,
    webhooks,
)
from service.defects.base import Defect

_MODULES = (
    accounts,
    onboarding,
    wallet,
    reversals,
    phone_numbers,
    orders,
    refunds,
    webhooks,
    abandonment,
    idempotency,
    deployment,
    limits,
    input_rules,
    sign_in,
    health,
)


def _assemble() -> dict[str, Defect]:
    catalogue: dict[str, Defect] = {}
    for module in _MODULES:
        twice = set(catalogue) & set(module.DEFECTS)
        if twice:
            raise RuntimeError(f"Defects named in two capabilities: {', '.join(sorted(twice))}.")
        catalogue.update(module.DEFECTS)
    return catalogue


CATALOGUE: dict[str, Defect] = _assemble()


def check_defect_names(names: tuple[str, ...]) -> None:
    """Refuses (one sentence) a configuration naming a defect the catalogue does not have."""
    unknown = [name for name in names if name not in CATALOGUE]
    if unknown:
        raise ConfigurationError(
            f"Unknown defect {', '.join(repr(n) for n in unknown)} in DEFECTS; "
            f"the known defects are: {', '.join(sorted(CATALOGUE))}."
        )


def apply_defects(platform: Any, names: tuple[str, ...]) -> None:
    check_defect_names(names)
    for name in names:
        CATALOGUE[name].apply(platform)
