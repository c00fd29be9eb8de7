"""Undo actions registered during a scenario, run in reverse order whatever the outcome."""

from __future__ import annotations

from collections.abc import Callable


class Cleanup:
    def __init__(self) -> None:
        self._actions: list[tuple[str, Callable[[], object]]] = []

    def add(self, description: str, action: Callable[[], object]) -> None:
        self._actions.append((description, action))

    def run(self) -> None:
        failures = []
        while self._actions:
            description, action = self._actions.pop()
            try:
                action()
            except Exception as error:
                failures.append(f"{description}: {type(error).__name__}: {error}")
        if failures:
            raise RuntimeError("Clean-up did not finish: " + "; ".join(failures))
