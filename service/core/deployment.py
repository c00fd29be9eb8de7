"""What a deployment must declare before it starts: test-only switches stay in test deployments."""

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
        if self.settings.defects and not self._defects_allowed():
            raise StartupError(
                "Deliberate defects (DEFECTS) are only allowed in a deployment that declares "
                "itself a test deployment (DEPLOYMENT=test); remove DEFECTS."
            )

    def _password_required(self) -> bool:
        return not self.is_test

    def _defects_allowed(self) -> bool:
        return self.is_test

    def resets_role_password(self) -> bool:
        """Never: a role is server-wide, so setting its password at start would take it from
        another deployment given the same role. The password is set only when the role is
        created; a deployment given another one cannot sign in and refuses to start."""
        return False
