"""Property-based checks of the live HTTP API against its own OpenAPI schema (schemathesis).

Every operation in the served /openapi.json gets generated requests. Each response must not be a
5xx, must use a documented status code, and must match the documented schema for that code.
The write endpoints (POST /documents, DELETE /documents/{doc_id}) are included but never sent the
server's real X-API-Key, so they only reach the auth check (401) and cannot change the index that
other tests share. (With the key, schemathesis's stateful phase deletes every document it lists.)

`schemathesis.pytest.from_fixture` would be the usual way to test a schema served by a fixture,
but schemathesis 4.32 sets `request.node._nodeid`, which pytest 9 no longer has, so the cases are
driven here with Hypothesis directly, one subtest per operation.
"""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
WRITES = {"POST /documents", "DELETE /documents/{doc_id}"}
REQUEST_TIMEOUT = 30  # seconds; an /ask is ~0.1-0.3 s when the machine is idle
SETTINGS = settings(
    max_examples=25,  # per operation and test
    # Model-backed operations take 0.1-0.3 s, several seconds on a loaded 2-core machine;
    # the deadline only catches a hang-like slowdown, not ordinary latency (see load.py).
    deadline=timedelta(seconds=10),
    derandomize=True,  # the same cases every run, so a failure here is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def operations(live_server):
    # Load the embedder, tokenizer and caches first, so no generated case pays for them.
    for path, body in (("/ask", {"question": "바이오"}), ("/cite", {"claim": "바이오"})):
        httpx.post(live_server.url + path, json=body, timeout=120).raise_for_status()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json", wait_for_schema=30)
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 9, [op.label for op in found]
    return found


def run_operation(operation, mode: GenerationMode, live_server, **fixed) -> None:
    """Send up to max_examples generated requests to one operation and check each response;
    `fixed` pins parts of the request (as_strategy's path_parameters=, query=, ...)."""

    @given(case=operation.as_strategy(mode, **fixed))
    @SETTINGS
    def check(case):
        # Never send the real key (it is random per session: this is only a safety net).
        for name, value in (case.headers or {}).items():
            if name.lower() == "x-api-key" and value == live_server.api_key:
                case.headers[name] = "wrong"
        case.call_and_validate(base_url=live_server.url, checks=CHECKS, timeout=REQUEST_TIMEOUT)

    check()


def test_valid_requests_conform(operations, live_server, subtests):
    """Schema-valid requests: no 5xx, and every response is documented and matches its schema.

    A generated doc_id never names a real document, so the document operations are also run with
    a real one, to reach their 200 and 400 answers and not only the 404.
    """
    docs = httpx.get(f"{live_server.url}/documents", timeout=30).json()
    doc_id = docs[0]["doc_id"] if docs else None  # other tests share the server and may delete
    for operation in operations:
        with subtests.test(msg=operation.label):
            run_operation(operation, GenerationMode.POSITIVE, live_server)
        if doc_id and "{doc_id}" in operation.path and operation.label not in WRITES:
            with subtests.test(msg=f"{operation.label} doc_id={doc_id}"):
                fixed = {"path_parameters": {"doc_id": doc_id}}
                run_operation(operation, GenerationMode.POSITIVE, live_server, **fixed)


def test_invalid_requests_conform(operations, live_server):
    """Schema-invalid requests: rejected with a documented 4xx whose body matches its schema.

    Only operations with a body or query parameters to get wrong: the rest take no input (or only
    a free-form doc_id), and without the key the write endpoints answer 401 before validating.
    Failures are gathered over all operations and reported together.
    """
    failures = {}
    for operation in operations:
        if operation.label in WRITES or not (len(operation.body) or len(operation.query)):
            continue
        try:
            run_operation(operation, GenerationMode.NEGATIVE, live_server)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis's FailureGroup
            failures[operation.label] = exc
    if failures:
        pytest.fail(
            "\n\n".join(f"{label}:\n{exc}" for label, exc in failures.items()), pytrace=False
        )


# What JSON Schema cannot describe, so schemathesis never sends it: lone surrogates (as \\udXXX
# escapes, which Python's JSON parser accepts), invisible and control characters, and numbers
# no JSON response can carry back (NaN, Infinity, 1e400).
HOSTILE_TEXT = st.text(
    st.characters(categories=["L", "N", "P", "Zs", "Cf", "Cc", "Cs"]), max_size=30
)
HOSTILE_TOP_K = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "true", "null", '"5"']),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: json.dumps(f)),
)


@pytest.mark.parametrize(
    ("path", "field"), [("/ask", "question"), ("/search", "query"), ("/cite", "claim")]
)
def test_hostile_values_never_get_a_server_error(operations, live_server, path, field):
    @given(text=HOSTILE_TEXT, top_k=HOSTILE_TOP_K)
    @SETTINGS
    def check(text, top_k):
        body = f'{{"{field}": {json.dumps(text)}, "top_k": {top_k}}}'
        response = httpx.post(
            live_server.url + path,
            content=body.encode(),
            headers={"content-type": "application/json"},
            timeout=REQUEST_TIMEOUT,
        )
        assert response.status_code < 500, (body, response.text)
        if response.status_code >= 400:
            assert response.json()["detail"] and len(response.content) < 2000

    check()
