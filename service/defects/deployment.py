"""Defects of how the platform checks its own deployment before it starts."""

from __future__ import annotations

from service.core.db import Database
from service.core.deployment import DeploymentPolicy
from service.defects.base import Defect


class DefectsAllowedAnywhere(DeploymentPolicy):
    def _defects_allowed(self) -> bool:
        return True


class TestDomainAllowedAnywhere(DeploymentPolicy):
    def _test_domain_allowed(self) -> bool:
        return True


class DatabasePasswordNotRequired(DeploymentPolicy):
    def _password_required(self) -> bool:
        return False


class RolePasswordResetAtStart(DeploymentPolicy):
    def resets_role_password(self) -> bool:
        return True


class OwnerRightsUnchecked(Database):
    def _refuse_unbound(self, tables: list[str]) -> None:
        return None


DEFECTS: dict[str, Defect] = {
    "defects_allowed_anywhere": Defect(
        "Deliberate defects can be switched on in a deployment that is not a test deployment.",
        "deployment",
        DefectsAllowedAnywhere,
    ),
    "test_domain_allowed_anywhere": Defect(
        "The webhooks' test domain (endpoints accepted without the private-network check) can "
        "be set in a deployment that is not a test deployment.",
        "deployment",
        TestDomainAllowedAnywhere,
    ),
    "database_password_not_required": Defect(
        "A live deployment starts without its application role's password.",
        "deployment",
        DatabasePasswordNotRequired,
    ),
    "role_password_reset_at_start": Defect(
        "Every start sets the application role's password to the deployment's own, taking the "
        "role from another deployment given the same role.",
        "deployment",
        RolePasswordResetAtStart,
    ),
    "owner_rights_unchecked": Defect(
        "The service starts even when its database role has the tables' owner's rights.",
        "db",
        OwnerRightsUnchecked,
    ),
}
