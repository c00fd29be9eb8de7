"""What a deployment must declare before it starts: test-only switches (deliberate defects, the
webhooks' test domain) stay in test deployments."""

from __future__ import annotations

from service.core.db import StartupError
from service.core.settings import Settings


class DeploymentPolicy:
    """Refuses, in one sentence, a deployment that would start unsafely. Checked before the
    database is touched, so a refused deployment changes nothing."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def is_test(self) -> bool:
        return self.settings.deployment == "test"

    def check(self) -> None:
        # The password first: its sentence must not hide behind the defects' one.
        if self._password_required() and not self.settings.app_db_password:
            raise StartupError(
                "APP_DATABASE_PASSWORD is missing: a deployment that is not a test deployment "
                "must give its own application role's password (there is no default)."
            )
        # Before the defects' one, so that a live deployment with both is told of this too.
        if self.settings.webhooks_test_domain and not self._test_domain_allowed():
            raise StartupError(
                f"WEBHOOKS_TEST_DOMAIN ({self.settings.webhooks_test_domain}) lets merchants' "
                "webhook endpoints skip the check that keeps deliveries out of private networks, "
                "so it is only allowed in a deployment that declares itself a test deployment "
                "(DEPLOYMENT=test); remove WEBHOOKS_TEST_DOMAIN."
            )
        if self.settings.defects and not self._defects_allowed():
            raise StartupError(
                "Deliberate defects (DEFECTS) are only allowed in a deployment that declares "
                "itself a test deployment (DEPLOYMENT=test); remove DEFECTS."
            )

    def _password_required(self) -> bool:
        return not self.is_test

    def _defects_allowed(self) -> bool:
        return self.is_test

    def _test_domain_allowed(self) -> bool:
        return self.is_test

    def resets_role_password(self) -> bool:
        """Never: a role is server-wide, so setting its password at start would take it from
        another deployment given the same role. The password is set only when the role is
        created; a deployment given another one cannot sign in and refuses to start."""
        return False
