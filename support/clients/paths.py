"""The one catalogue of the platform's endpoints: drivers name paths only through it."""

HEALTH = "/health"
OPENAPI = "/openapi.json"

SIGN_UP = "/api/auth/signup"
LOG_IN = "/api/auth/login"
ME = "/api/me"

TEAM_MEMBERS = "/api/team/members"


def team_member(member_id: str) -> str:
    return f"{TEAM_MEMBERS}/{member_id}"


ONBOARDING_EVENTS = "/api/onboarding/events"
ONBOARDING_STATUS = "/api/onboarding/status"
ONBOARDING_COMPLETE = "/api/onboarding/complete"
ONBOARDING_PROVISION_NUMBER = "/api/onboarding/provision-number"

WALLET = "/api/wallet"
WALLET_LEDGER = "/api/wallet/ledger"
WALLET_CHARGES = "/api/wallet/charges"
WALLET_TOP_UPS = "/api/wallet/top-ups"

PAYMENT_EVENTS = "/api/webhooks/payments"

PRODUCTS = "/api/products"
ORDERS = "/api/orders"
ORDER_SETTINGS = "/api/orders/settings"


def product_restock(sku: str) -> str:
    return f"{PRODUCTS}/{sku}/restock"


def order_refunds(order_id: str) -> str:
    return f"{ORDERS}/{order_id}/refunds"


WEBHOOK_SUBSCRIPTIONS = "/api/webhooks/subscriptions"


def webhook_subscription(subscription_id: str) -> str:
    return f"{WEBHOOK_SUBSCRIPTIONS}/{subscription_id}"


def webhook_deliveries(subscription_id: str) -> str:
    return f"{WEBHOOK_SUBSCRIPTIONS}/{subscription_id}/deliveries"


OPERATOR_WEBHOOK_DELIVERY_RUN = "/api/operator/webhook-deliveries/run"
ABANDONMENT_RUNS = "/api/operator/abandonment/runs"


def abandonment_run(run_id: int) -> str:
    return f"{ABANDONMENT_RUNS}/{run_id}"
