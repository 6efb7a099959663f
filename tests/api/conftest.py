"""Calling the API as one of the personas, with a bearer token of their own."""

import pytest

from hearth.accounts.services import token_create


@pytest.fixture
def api_get(client):
    """GET an /api/v1/ path as `user` (None: without a token); one token per user, made up front
    by `api_get.sign_in(user)` or on the first call."""
    tokens = {}

    def sign_in(user):
        if user.pk not in tokens:
            tokens[user.pk] = token_create(user=user, name="tests")
        return tokens[user.pk]

    def get(path, user=None, **params):
        headers = {} if user is None else {"Authorization": f"Bearer {sign_in(user)}"}
        return client.get(f"/api/v1/{path}", params, headers=headers)

    get.sign_in = sign_in
    return get
