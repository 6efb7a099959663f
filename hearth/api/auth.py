"""Bearer tokens for the API (CONTRACT.md section 6): `Authorization: Bearer <token>`."""

from ninja.security import HttpBearer

from hearth.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    """Signs the token's owner in for this request only; no session, so no CSRF check is needed."""

    def authenticate(self, request, token):
        user = token_authenticate(key=token)
        if user is None:
            return None
        request.user = user
        request.hearth_via = "api"
        return user
