"""Checks, before any scenario runs, that the target's service, database and Redis answer."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import redis

from support.target.config import HarnessError


def shown_url(url: str) -> str:
    """The URL without its password, fit for an error message or the report."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":«redacted»@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _database_problem(url: str) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        return _first_line(error)
    return None


def _redis_problem(url: str) -> str | None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        return _first_line(error)
    return None


def _service_problem(base_url: str) -> tuple[str | None, httpx.Response | None]:
    try:
        return None, httpx.get(f"{base_url.rstrip('/')}/health", timeout=5)
    except httpx.HTTPError as error:
        return _first_line(error), None


def check_database(url: str) -> None:
    if problem := _database_problem(url):
        raise HarnessError(
            f"The database at {shown_url(url)} cannot be reached ({problem}); "
            "check DATABASE_URL, or unset it to let the suite start its own."
        )


def check_redis(url: str) -> None:
    if problem := _redis_problem(url):
        raise HarnessError(
            f"Redis at {shown_url(url)} cannot be reached ({problem}); "
            "check REDIS_URL, or unset it to let the suite start its own."
        )


def check_service(base_url: str) -> None:
    problem, response = _service_problem(base_url)
    if response is None:
        raise HarnessError(
            f"The service at {base_url} cannot be reached ({problem}); check BASE_URL."
        )
    if response.status_code != 200:
        raise HarnessError(
            f"The service at {base_url} is not healthy (its health check answered "
            f"{response.status_code}: {response.text[:200]})."
        )


def part_gone(base_url: str, database_url: str, redis_url: str) -> str | None:
    """One sentence naming the first part of the target that no longer answers, if any (asked
    when a scenario fails, so that a target dying mid-run ends the run instead of failing every
    scenario after it)."""
    for part, problem in (
        (f"database at {shown_url(database_url)}", lambda: _database_problem(database_url)),
        (f"Redis at {shown_url(redis_url)}", lambda: _redis_problem(redis_url)),
        (f"service at {base_url}", lambda: _service_problem(base_url)[0]),
    ):
        if reason := problem():
            return (
                f"The target's {part} went away during the run ({reason}); the run stops here, "
                "since every scenario after this one would fail the same way."
            )
    return None
