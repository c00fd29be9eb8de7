"""The load run's target: embedded PostgreSQL and Redis, and the reference service in this
process with the payment and telephony providers faked by `responses` (which intercepts only
calls made in the process that programs it, so the service must live here, not in Locust's).

Catalogued defects named in SERVICE_DEFECTS are switched on (to prove the consistency check
can fail). Prints one JSON line (the service's URL, the webhook signing secret, the database
URL), then serves until its standard input closes.
"""

from __future__ import annotations

import json
import os
import secrets
import sys

from support.providers.fakes import ProviderFakes
from support.providers.payments import PaymentProviderFake
from support.providers.telephony import TelephonyProviderFake
from support.target.credentials import ProviderCredentials
from support.target.embedded import start_embedded
from support.target.inprocess import start_service


def main() -> int:
    servers = start_embedded()
    credentials = ProviderCredentials.new()
    fakes = ProviderFakes()
    fakes.start()
    payments = PaymentProviderFake(fakes)
    payments.accepts_payment_intents()  # an order's, confirmed at creation, is paid at once
    payments.accepts_refunds()
    TelephonyProviderFake(fakes, credentials).sells_numbers()
    try:
        service = start_service(
            database_url=servers.database_url,
            redis_url=servers.redis_url,
            jwt_secret=secrets.token_urlsafe(48),
            providers=credentials,
            defects=tuple(d for d in os.environ.get("SERVICE_DEFECTS", "").split(",") if d),
        )
        print(
            json.dumps(
                {
                    "base_url": service.base_url,
                    "webhook_secret": credentials.payments_webhook_secret,
                    "database_url": servers.database_url,
                }
            ),
            flush=True,
        )
        sys.stdin.read()
        service.stop()
    finally:
        fakes.stop()
        servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
