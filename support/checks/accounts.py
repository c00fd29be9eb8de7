"""Checks on accounts: what sign-up stored, the tokens it issues."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt

from support.clients.database import Database
from support.drivers.base import describe, insist


def expect_owner_of_new_organisation(
    database: Database, email: str, response: httpx.Response
) -> None:
    if response.status_code != 201:
        raise AssertionError(f"Expected the sign-up to be accepted, but got {describe(response)}.")
    rows = database.read(
        "accounts for the email address",
        "select u.role, u.org_id, o.name from users u join organisations o on o.id = u.org_id"
        " where lower(u.email) = lower(%s)",
        (email,),
    )
    organisation_id = response.json()["organisation"]["id"]
    if [(r["role"], str(r["org_id"])) for r in rows] != [("owner", organisation_id)]:
        found = [(r["role"], str(r["org_id"])) for r in rows]
        raise AssertionError(
            "Expected one account, the owner of the new organisation, for the email address, "
            f"but found {found}."
        )


def expect_no_account(database: Database, email: object) -> None:
    rows = database.read(
        "accounts for the email address",
        "select org_id from users where lower(email) = lower(%s)",
        (str(email),),
    )
    if rows:
        raise AssertionError(f"Expected no account for {email!r}, but found {len(rows)}.")


def expect_account_shown(response: httpx.Response) -> None:
    insist(response, 200, "show the merchant's account")


def expect_token_lifetime(response: httpx.Response, seconds: int) -> None:
    """The token says it expires `seconds` after it was issued (now), and the answer agrees."""
    answer = insist(response, 200, "sign the merchant in")
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    lifetime, age = claims["exp"] - claims["iat"], abs(time.time() - claims["iat"])
    if (lifetime, answer.get("expires_in")) != (seconds, seconds) or age > 60:
        raise AssertionError(
            f"Expected the access token to last exactly {seconds} seconds from now, but it lasts "
            f"{lifetime} seconds from {age:.0f} seconds ago, and the answer says it expires in "
            f"{answer.get('expires_in')!r}."
        )


def expect_organisation_not(response: httpx.Response, other_organisation: str) -> None:
    if response.json()["organisation"]["id"] == other_organisation:
        raise AssertionError(
            "Expected the new account in a new organisation, but it joined the other merchant's."
        )


def expect_member_of(
    database: Database, member: dict[str, Any], organisation_id: str, role: str
) -> None:
    rows = database.read(
        "the new member's account",
        "select org_id, role from users where id = %s",
        (member["id"],),
    )
    found = [(str(row["org_id"]), row["role"]) for row in rows]
    if found != [(organisation_id, role)]:
        said = f"a {found[0][1]} in another organisation" if found else "missing"
        raise AssertionError(
            f"Expected the new member to be a {role} in the merchant's organisation, but it is "
            f"{said}."
        )


def expect_member_count(database: Database, organisation_id: str, count: int) -> None:
    rows = database.read(
        "the organisation's members",
        "select id from users where org_id = %s",
        (organisation_id,),
    )
    if len(rows) != count:
        raise AssertionError(
            f"Expected the organisation to have {count} member(s), but it has {len(rows)}."
        )
