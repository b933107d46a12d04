"""No server error under fuzzing: schemathesis drives every operation of the OpenAPI schema.

The database holds a small demo book, and path and query parameters that name a record are often replaced by the
id of a real one, so that the generated requests reach the services instead of stopping at 404. Both valid
(positive) and invalid (negative) requests are generated; every answer must be below 500 and, when it is an error,
in the one error shape. The number of examples per operation is bounded (``FAIRCOLLECT_FUZZ_EXAMPLES``, 12 by
default) so that CI stays fast; raise it locally to search harder.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from faircollect.api.app import create_app
from faircollect.config import Settings

from .conftest import DEV_KEYS, KEY, DemoApi

EXAMPLES = int(os.environ.get("FAIRCOLLECT_FUZZ_EXAMPLES", "12"))


def _cases() -> list[tuple[str, GenerationMode]]:
    """Every operation with valid data, and every operation that takes input with invalid data too."""
    app = create_app(Settings(api_keys=DEV_KEYS), database_url="sqlite://")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    out = []
    for result in schema.get_all_operations():
        op = result.ok()
        out.append((op.label, GenerationMode.POSITIVE))
        raw = op.definition.raw
        if raw.get("parameters") or raw.get("requestBody"):
            out.append((op.label, GenerationMode.NEGATIVE))
    return sorted(out, key=lambda c: (c[0], c[1].value))


def _realistic(case: Any, data: st.DataObject, ids: dict[str, list[str]]) -> None:
    for part in ("path_parameters", "query"):
        params = getattr(case, part)
        if not params:
            continue
        for name in list(params):
            real = ids.get(name)
            if real and data.draw(st.booleans(), label=f"real {name}"):
                params[name] = data.draw(st.sampled_from(real), label=name)


@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), _cases())
def test_no_operation_answers_a_server_error(demo_api: DemoApi, label: str, mode: GenerationMode) -> None:
    app, ids = demo_api.app, demo_api.ids
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, data=st.data())
    def run(case: Any, data: st.DataObject) -> None:
        _realistic(case, data, ids)
        case.headers = {**(case.headers or {}), "X-API-Key": KEY}
        response = case.call()
        assert response.status_code < 500, (response.status_code, response.text[:500], repr(case)[:500])
        if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
            body = response.json()
            assert {"error", "message", "field", "errors"} <= set(body), body

    random.seed(0)
    try:
        run()
    except Unsatisfiable:
        # Only string path parameters: every value schemathesis can draw is valid, so no negative case exists.
        assert mode is GenerationMode.NEGATIVE
        pytest.skip("the operation has no input that its schema declares invalid")
