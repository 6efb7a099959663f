"""Schemathesis sends generated requests to every read endpoint and checks each answer against the
OpenAPI schema: no server errors, the documented status codes and content types, bodies that match."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from hearth.accounts.services import token_create
from hearth.config.wsgi import application


@pytest.fixture
def operations(db, social_worker, child, household, agency):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    return {op.ok().label: op.ok() for op in schema.get_all_operations()}


def test_every_endpoint_answers_as_its_schema_says(operations, social_worker):
    headers = {"Authorization": f"Bearer {token_create(user=social_worker, name='schemathesis')}"}
    assert len(operations) >= 9, sorted(operations)
    for operation in operations.values():

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers={**headers, "Host": "localhost"})

        check()
