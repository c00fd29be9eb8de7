"""Builds the FastAPI application; its lifespan prepares the database and the components."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from service.api import (
    abandonment,
    auth,
    health,
    onboarding,
    orders,
    refunds,
    team,
    wallet,
    webhook_subscriptions,
    webhooks,
)
from service.api.body_limit import BodyLimitMiddleware
from service.api.contract import install_contract
from service.api.errors import install_error_handlers
from service.core.db import StartupError, wait_for_database
from service.core.migrate import migrate
from service.core.settings import Settings
from service.defects import apply_defects, check_defect_names
from service.platform import Platform, build_platform

log = logging.getLogger("service.app")


def prepare_database(settings: Settings, reset_role_password: bool = False) -> None:
    """Wait for the database, then bring its schema and the application role up to date."""
    wait_for_database(settings)
    migrate(settings, reset_role_password)


def start_platform(settings: Settings) -> Platform:
    """Everything the lifespan does before serving; raises StartupError with one sentence.

    The deployment is checked (with any defects switched on) before the database is touched.
    """
    platform = build_platform(settings)
    try:
        apply_defects(platform, settings.defects)
        platform.deployment.check()
        prepare_database(settings, platform.deployment.resets_role_password())
        platform.db.open()
        platform.db.check_isolation()
        platform.delivery_schedule.start()
        if settings.abandonment_schedule:
            platform.abandonment_schedule.start()
    except BaseException:
        platform.close()
        raise
    if settings.defects:
        log.warning("Defects switched on: %s", ", ".join(settings.defects))
    return platform


class PlatformApp(FastAPI):
    """FastAPI whose lifespan reports a failed start as one sentence (not a traceback)."""

    settings: Settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.state.platform = await run_in_threadpool(start_platform, self.settings)
                except Exception as exc:
                    reason = _startup_sentence(exc)
                    self.state.startup_error = reason
                    await send({"type": "lifespan.startup.failed", "message": reason})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                platform: Platform | None = getattr(self.state, "platform", None)
                if platform is not None:
                    await run_in_threadpool(platform.close)
                await send({"type": "lifespan.shutdown.complete"})
                return


def _startup_sentence(exc: Exception) -> str:
    if isinstance(exc, StartupError):
        return str(exc)
    log.error("The service could not start", exc_info=exc)
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"The service could not start ({type(exc).__name__}: {first_line})."


def create_app(settings: Settings) -> FastAPI:
    interactive = settings.deployment == "test"  # the API pages are for people testing it
    app = PlatformApp(
        docs_url="/docs" if interactive else None,
        redoc_url="/redoc" if interactive else None,
        title="Merchant platform (reference service)",
        version="0.1.0",
        summary="Accounts, tenancy, onboarding, the wallet and its payments, and health of the "
        "multi-tenant merchant platform.",
    )
    check_defect_names(settings.defects)
    app.settings = settings
    app.state.startup_error = None
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)  # outermost: nothing reads a body before it
    for module in (
        health,
        auth,
        team,
        onboarding,
        wallet,
        webhooks,
        orders,
        refunds,
        webhook_subscriptions,
        abandonment,
    ):
        app.include_router(module.router)
    install_contract(app)
    return app
