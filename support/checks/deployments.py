"""Checks that a deployment which could not keep merchants safe refused to start, and why."""

from __future__ import annotations


def expect_refused_to_start(refusal: str | None, because: str, mentions: str) -> None:
    if refusal is None:
        raise AssertionError(
            f"Expected the deployment to refuse to start because {because}, but it started."
        )
    if mentions.lower() not in refusal.lower():
        raise AssertionError(
            f"Expected the deployment to refuse to start because {because} (saying so with "
            f"{mentions!r}), but it refused for another reason: {refusal}"
        )
    if "\n" in refusal or "Traceback" in refusal:
        raise AssertionError(f"Expected the refusal in one sentence, but it was: {refusal}")


def expect_role_password_kept(kept: bool) -> None:
    if not kept:
        raise AssertionError(
            "Expected the first deployment's database role to keep its password, but the "
            "second deployment changed it."
        )
