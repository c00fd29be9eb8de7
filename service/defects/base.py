"""What a catalogued defect is, and how one is switched on in a running platform.

Each defect is a faulty variant of ONE component of the `Platform`, defined in its capability's
module of this package and nowhere else. Switching it on turns that component (in place, so every
part holding it sees the change) into an instance of a subclass whose overridden method
misbehaves. Several defects on the same component compose: each adds its own override.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Defect:
    summary: str
    component: str
    variant: type

    def apply(self, platform: Any) -> None:
        component = platform
        for name in self.component.split("."):  # "wallet.store": a part of a component
            component = getattr(component, name)
        make_faulty(component, self.variant)


def make_faulty(component: object, variant: type) -> None:
    base = type(component)
    faulty = type(f"{variant.__name__}Applied", (variant, base), {"__module__": __name__})
    component.__class__ = faulty
