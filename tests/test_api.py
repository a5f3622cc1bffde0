"""The HTTP API through a real uvicorn server on loopback (and in-process for config cases)."""

import threading

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app

NEW_DOC = (
    "제주 해양바이오 클러스터 조성 계획\n\n"
    "제주특별자치도는 2031년까지 서귀포시에 해양바이오 클러스터를 조성한다. "
    "총사업비는 2,750억 원이며 입주 기업 목표는 120개사이다.\n"
)


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def key(live_server):
    return {"X-API-Key": live_server.api_key}


def test_health_and_documents(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["documents"] == 5 and health["chunks"] > 100
    docs = client.get("/documents").json()
    assert len(docs) == 5 and all(d["title"] and d["characters"] > 1000 for d in docs)
    one = client.get(f"/documents/{docs[0]['doc_id']}").json()
    assert one == docs[0]


def test_ask_answers_with_a_verifiable_citation(client):
    body = client.post(
        "/ask", json={"question": "2023년 기준 전 세계 바이오기술 시장 규모는?"}
    ).json()
    assert body["answer"]["text"] == "1.55조 달러" and not body["abstained"]
    c = body["citations"][0]
    sliced = client.get(
        f"/documents/{c['doc_id']}/text", params={"start": c["start"], "end": c["end"]}
    )
    assert sliced.json()["text"] == c["quote"]


def test_search_and_cite(client):
    hits = client.post("/search", json={"query": "메디콘밸리", "top_k": 3}).json()
    assert len(hits) == 3 and all("ranks" in h for h in hits)
    claim = "2023년 기준 전 세계 바이오기술 시장은 2.55조 달러로 평가된다"
    cited = client.post("/cite", json={"claim": claim}).json()
    assert cited["verdict"] == "contradicts"
    assert all(s["label"] != "supports" for s in cited["sources"])


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("post", "/ask", {"json": {"question": ""}}, 422),
        ("post", "/ask", {"json": {"question": "가" * 1_000_000}}, 422),
        ("post", "/ask", {"json": {"question": "질문", "top_k": 0}}, 422),
        ("post", "/ask", {"json": {"question": "질문", "top_k": 10_000}}, 422),
        ("post", "/ask", {"content": "question=x", "headers": {"content-type": "text/plain"}}, 422),
        ("post", "/search", {"json": {"query": "   "}}, 400),
        ("get", "/documents/nope", {}, 404),
        ("get", "/documents/..%2F..%2Fetc%2Fpasswd", {}, 404),
        ("get", "/documents/../../etc/passwd/text", {}, 404),
        ("get", "/documents/000_cb8befbba9c2d448/text", {"params": {"start": 5, "end": 2}}, 400),
        ("get", "/documents/000_cb8befbba9c2d448/text", {"params": {"start": -1}}, 422),
        ("get", "/documents/000_cb8befbba9c2d448/text", {"params": {"end": 10**9}}, 400),
    ],
)
def test_bad_requests_get_clear_errors(client, method, path, kwargs, status):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"X-API-Key": "wrong"}, 401)])
def test_writes_need_the_key(client, headers, status):
    files = {"file": ("x.txt", NEW_DOC.encode(), "text/plain")}
    assert client.post("/documents", files=files, headers=headers).status_code == status
    assert client.delete("/documents/000_cb8befbba9c2d448", headers=headers).status_code == status


def test_bad_uploads_are_refused_and_nothing_is_lost(client, key, make_pdf):
    before = client.get("/health").json()
    encrypted = make_pdf("locked.pdf", ["비밀 문서입니다."], password="pw").read_bytes()
    whole = make_pdf("whole.pdf", ["정상 문서입니다."]).read_bytes()
    cases = [
        (("notes.docx", b"PK\x03\x04", "application/octet-stream"), 415),
        (("empty.txt", b"", "text/plain"), 400),
        (("legacy.txt", "Ærøskøbing".encode("latin-1"), "text/plain"), 400),
        (("locked.pdf", encrypted, "application/pdf"), 400),
        (("broken.pdf", whole[: len(whole) // 3], "application/pdf"), 400),
        (("../../evil name.txt", NEW_DOC.encode(), "text/plain"), 400),
    ]
    for file, status in cases:
        response = client.post("/documents", files={"file": file}, headers=key)
        assert response.status_code == status, (file[0], response.text)
        assert response.json()["detail"]
    assert client.get("/health").json() == before


def test_upload_ask_delete(client, key, live_server):
    asked = "제주 해양바이오 클러스터의 총사업비는 얼마인가?"
    results: list[int] = []

    def keep_asking():  # queries keep being answered from the old index during the ingest
        for _ in range(5):
            results.append(
                client.post("/ask", json={"question": "메디콘밸리는 어디에 있나?"}).status_code
            )

    reader = threading.Thread(target=keep_asking)
    reader.start()
    files = {"file": ("jeju.txt", NEW_DOC.encode(), "text/plain")}
    created = client.post("/documents", files=files, headers=key)
    reader.join()
    assert created.status_code == 201, created.text
    assert created.json()["doc_id"] == "jeju" and created.json()["status"] == "added"
    assert results == [200] * 5
    answer = client.post("/ask", json={"question": asked}).json()
    assert answer["answer"]["text"] == "2,750억 원" and answer["citations"][0]["doc_id"] == "jeju"
    assert client.get("/health").json()["documents"] == 6
    assert (live_server.index_dir / "uploads" / "jeju.txt").exists()

    assert client.delete("/documents/jeju", headers=key).status_code == 204
    assert client.delete("/documents/jeju", headers=key).status_code == 404
    assert client.get("/documents/jeju").status_code == 404
    assert client.get("/health").json()["documents"] == 5
    assert not (live_server.index_dir / "uploads" / "jeju.txt").exists()


def test_writes_are_closed_without_a_configured_key(corpus_index):
    app = create_app(corpus_index.model_copy(update={"api_key": None}))
    with TestClient(app) as c:
        files = {"file": ("x.txt", NEW_DOC.encode(), "text/plain")}
        assert c.post("/documents", files=files, headers={"X-API-Key": ""}).status_code == 403
        assert c.delete("/documents/x").status_code == 403
        assert c.get("/").headers["content-type"].startswith("text/html")


def test_openapi_has_schemas_and_examples(client):
    spec = client.get("/openapi.json").json()
    assert {"/ask", "/search", "/cite", "/documents", "/health"} <= set(spec["paths"])
    ask_schema = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert ask_schema["examples"] and ask_schema["maxLength"] == 2000
