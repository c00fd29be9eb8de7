"""`python -m service`: serve the platform with uvicorn on HOST:PORT (default 127.0.0.1:8000)."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn

from service.app import create_app, prepare_database
from service.core.db import StartupError
from service.core.deployment import DeploymentPolicy
from service.core.settings import ConfigurationError, Settings


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env()
        app = create_app(settings)
        port = int(os.environ.get("PORT", "8000"))
    except ConfigurationError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ValueError:
        print(f"PORT must be a whole number, but it is {os.environ['PORT']!r}.", file=sys.stderr)
        return 2
    try:
        DeploymentPolicy(settings).check()
        prepare_database(settings)
    except StartupError as exc:
        print(exc, file=sys.stderr)
        return 1
    uvicorn.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
