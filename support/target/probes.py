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


def check_database(url: str) -> None:
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        raise HarnessError(
            f"The database at {shown_url(url)} cannot be reached ({_first_line(error)}); "
            "check DATABASE_URL, or unset it to let the suite start its own."
        ) from None


def check_redis(url: str) -> None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        raise HarnessError(
            f"Redis at {shown_url(url)} cannot be reached ({_first_line(error)}); "
            "check REDIS_URL, or unset it to let the suite start its own."
        ) from None


def check_service(base_url: str) -> None:
    try:
        response = httpx.get(f"{base_url.rstrip('/')}/health", timeout=5)
    except httpx.HTTPError as error:
        raise HarnessError(
            f"The service at {base_url} cannot be reached ({_first_line(error)}); check BASE_URL."
        ) from None
    if response.status_code != 200:
        raise HarnessError(
            f"The service at {base_url} is not healthy (its health check answered "
            f"{response.status_code}: {response.text[:200]})."
        )
