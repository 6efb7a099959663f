"""The API at /api/v1/ (CONTRACT.md section 6), its schema at /api/v1/openapi.json."""

from django.db import connection, transaction
from ninja import NinjaAPI

from hearth.api import children, households, offers, policy, providers, referrals, trays
from hearth.api.auth import BearerToken


class HearthAPI(NinjaAPI):
    """Ninja answers errors inside the request's transaction: roll it back, as a failing page
    does, so a refused or failed request leaves nothing behind but its audit of the refusal."""

    def on_exception(self, request, exc):
        response = super().on_exception(request, exc)
        if connection.settings_dict.get("ATOMIC_REQUESTS") and connection.in_atomic_block:
            transaction.set_rollback(True)
        if response.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="hearth"'
        return response


api = HearthAPI(
    title="Hearth API",
    version="1",
    description="Children, households, providers and policy of the caller's organisations.",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url=None,
)
api.add_router("/children", children.router)
api.add_router("/households", households.router)
api.add_router("/providers", providers.router)
api.add_router("/policy", policy.router)
api.add_router("/referrals", referrals.router)
api.add_router("/work-tray", trays.router)
api.add_router("/offers", offers.router)
api.add_router("/placements", "hearth.api.placements.router")
api.add_router("/stability-meetings", "hearth.api.stability.router")
