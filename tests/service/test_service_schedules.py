"""A deployed service really starts its two schedules, and stops them when it shuts down.

The scenarios' own deployment switches both off (they run the jobs themselves, with their own
"now"), so nothing else shows that a deployment with the default settings runs them: the
webhook delivery worker every 30 seconds (a thread of the service's own) and the checkout
abandonment job every 15 minutes (APScheduler). The service here goes through its real lifespan
on the test process's database and Redis, and is shut down long before either would first run,
so it never touches another test's merchants.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.core.settings import Settings
from service.domain.abandonment import SCHEDULE_MINUTES
from service.platform import Platform
from support.target.run import LiveTarget

DELIVERY_INTERVAL_SECONDS = 30.0  # the default of WEBHOOK_WORKER_INTERVAL_SECONDS


@pytest.fixture
def settings(live_target: LiveTarget, run_state) -> Settings:
    if not live_target.in_process:
        pytest.skip("the service's lifespan runs here only beside the suite's own database")
    # Everything at its default but where the database and Redis are; a test deployment, so
    # that the application role's password is the one the suite's database already has.
    return Settings(
        database_url=live_target.database_url,
        redis_url=live_target.redis_url,
        jwt_secret=run_state.jwt_secret,
        deployment="test",
    )


def test_a_deployment_starts_both_schedules_and_stops_them_cleanly(settings: Settings) -> None:
    assert settings.abandonment_schedule is True
    assert settings.webhook_worker_interval_seconds == DELIVERY_INTERVAL_SECONDS
    app = create_app(settings)
    with TestClient(app) as client:  # the lifespan's startup runs here
        assert client.get("/health").status_code == 200
        platform: Platform = app.state.platform
        delivery = platform.delivery_schedule
        abandonment = platform.abandonment_schedule
        assert delivery._thread is not None and delivery._thread.is_alive()
        assert delivery._interval == DELIVERY_INTERVAL_SECONDS
        assert abandonment.running
        (job,) = abandonment._scheduler.get_jobs()
        assert job.id == "checkout-abandonment"
        assert job.trigger.interval.total_seconds() == SCHEDULE_MINUTES * 60
        assert job.next_run_time is not None  # scheduled, not merely added
    # The lifespan's shutdown has run: both schedules stopped, nothing left running.
    assert not abandonment.running
    assert not delivery._thread.is_alive()
