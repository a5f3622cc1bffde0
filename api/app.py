"""The FastAPI application: request models in, library calls, response models out."""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders, UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.limits import BodyLimit
from api.schemas import (
    AskRequest,
    CiteRequest,
    DocumentInfo,
    Error,
    Health,
    SearchHit,
    SearchRequest,
    TextSlice,
    UploadResult,
)
from clusterqa import __version__
from clusterqa.answering.answer import AskResponse, ask
from clusterqa.answering.claims import CiteResponse, cite
from clusterqa.config import Settings
from clusterqa.errors import ClusterQAError, ConflictError, IndexStateError, UnsupportedTypeError
from clusterqa.models import DOC_ID_RE
from clusterqa.parsers import doc_id_for
from clusterqa.service import Service

STATIC = Path(__file__).parent / "static"
_MAX_SLICE = 20_000
# 422 (invalid request) keeps FastAPI's own documented shape: a list of {loc, msg, type}, which
# the web page turns into field-by-field messages.
ERRORS = {400: {"model": Error}, 404: {"model": Error}, 413: {"model": Error}}
# Room for the multipart boundaries and part headers around an uploaded file.
_MULTIPART_OVERHEAD = 64 * 1024
# What an error may quote of the input: enough to recognise it, never the whole of it.
_EXCERPT = reprlib.Repr()
_EXCERPT.maxstring = _EXCERPT.maxother = 40
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
# The page loads its script and style from /static only; nothing may frame it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class EveryRequest:
    """Security headers on every response, and every request counted as running for
    `Service.in_use`. Plain ASGI: `@app.middleware("http")` costs a task and two memory
    streams per request, a measurable share of a /search."""

    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).update(SECURITY_HEADERS)
            await send(message)

        with self.service.in_use():
            await self.app(scope, receive, with_headers)


def excerpt(value: object, limit: int = 40) -> str:
    """A short, printable rendering of untrusted input (lone surrogates escaped)."""
    text = value if isinstance(value, str) else _EXCERPT.repr(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _validation_errors(exc: RequestValidationError) -> list[dict]:
    return [
        {
            "loc": [p if isinstance(p, int) else excerpt(p) for p in e["loc"]],
            "msg": excerpt(e["msg"], 200),
            "type": e["type"],
            **({"input": excerpt(e["input"])} if "input" in e else {}),
            # The limits the page words its messages with (max_length, ge, le).
            "ctx": {k: v for k, v in e.get("ctx", {}).items() if type(v) is int},
        }
        for e in exc.errors()
    ]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Service(settings)
    app = FastAPI(
        title="clusterqa",
        version=__version__,
        description="Cited answers from Korean reports on bio/medical industry clusters.",
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    upload_limit = settings.max_file_bytes + _MULTIPART_OVERHEAD

    def body_limit(scope: Scope) -> int:
        upload = scope["method"] == "POST" and scope["path"] == "/documents"
        return upload_limit if upload else settings.max_request_bytes

    app.add_middleware(BodyLimit, limit_for=body_limit)

    app.add_middleware(EveryRequest, service=service)  # after BodyLimit: its 413s get headers

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key"],
        )

    @app.exception_handler(IndexStateError)
    async def index_state(_: Request, exc: IndexStateError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(UnsupportedTypeError)
    async def unsupported(_: Request, exc: UnsupportedTypeError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=415)

    @app.exception_handler(ConflictError)
    async def conflict(_: Request, exc: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own handler copies the whole input into the body, and fails (500) on input
        # JSON cannot carry back: lone surrogates, NaN, Infinity.
        return JSONResponse({"detail": _validation_errors(exc)}, status_code=422)

    @app.exception_handler(ClusterQAError)
    async def bad_input(_: Request, exc: ClusterQAError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    def writer(x_api_key: Annotated[str | None, Header()] = None) -> None:
        """Write endpoints need the configured key; with none configured they are closed. The
        upload endpoint reads its body itself, after this check, so no body is taken first."""
        if not settings.api_key:
            raise HTTPException(403, "uploads and deletions are disabled: no API key configured")
        if x_api_key != settings.api_key:
            raise HTTPException(401, "missing or wrong X-API-Key")

    def document(doc_id: str):
        if not DOC_ID_RE.match(doc_id) or doc_id not in service.searcher.snapshot.documents:
            raise HTTPException(404, f"no document '{excerpt(doc_id)}'")
        return service.searcher.snapshot.documents[doc_id]

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/health", response_model=Health)
    def health() -> Health:
        version, searcher = service.current()
        snapshot = searcher.snapshot
        return Health(
            status="ok",
            version=__version__,
            model=snapshot.manifest.model,
            index=version,
            documents=len(snapshot.documents),
            chunks=len(snapshot.chunks),
        )

    @app.get("/documents", response_model=list[DocumentInfo])
    def documents() -> list[DocumentInfo]:
        return [_info(service, d) for d in service.searcher.snapshot.documents]

    @app.get("/documents/{doc_id}", response_model=DocumentInfo, responses=ERRORS)
    def document_info(doc_id: str) -> DocumentInfo:
        return _info(service, document(doc_id).doc_id)

    @app.get("/documents/{doc_id}/text", response_model=TextSlice, responses=ERRORS)
    def document_text(
        doc_id: str,
        start: Annotated[int, Query(ge=0)] = 0,
        end: Annotated[int | None, Query(ge=0)] = None,
    ) -> TextSlice:
        doc = document(doc_id)
        # Without an end, the first slice the limit allows: a whole report may be longer.
        end = min(len(doc.text), start + _MAX_SLICE) if end is None else end
        if start > end or end > len(doc.text) or end - start > _MAX_SLICE:
            raise HTTPException(
                400, f"need 0 <= start <= end <= {len(doc.text)} and at most {_MAX_SLICE} chars"
            )
        return TextSlice(doc_id=doc_id, start=start, end=end, text=doc.text[start:end])

    @app.post("/search", response_model=list[SearchHit], responses=ERRORS)
    def search(body: SearchRequest) -> list[SearchHit]:
        searcher = service.searcher
        hits = searcher.search(body.query, body.top_k)
        return [
            SearchHit(**searcher.citation(h).model_dump(), ranks=h.ranks, bridge=bridge)
            for h, bridge in zip(hits, searcher.bridged_terms(body.query, hits), strict=True)
        ]

    @app.post("/ask", response_model=AskResponse, responses=ERRORS)
    def ask_(body: AskRequest) -> AskResponse:
        return ask(service.searcher, body.question, body.top_k)

    @app.post("/cite", response_model=CiteResponse, responses=ERRORS)
    def cite_(body: CiteRequest) -> CiteResponse:
        return cite(service.searcher, body.claim, body.top_k)

    @app.post(
        "/documents",
        response_model=UploadResult,
        status_code=201,
        dependencies=[Depends(writer)],
        responses=ERRORS
        | {
            401: {"model": Error},
            403: {"model": Error},
            409: {"model": Error},
            415: {"model": Error},
        },
        openapi_extra=_UPLOAD_BODY,
    )
    async def upload(
        request: Request,
        replace: Annotated[
            bool, Query(description="replace the document of the same name if there is one")
        ] = False,
    ) -> UploadResult:
        """Add one document (multipart field `file`); a name already indexed answers 409 unless
        `replace=true`."""
        form = await request.form(max_files=1, max_fields=0)
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(400, "send the document as one multipart file field named 'file'")
        data = await file.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise HTTPException(413, f"file is larger than {settings.max_file_bytes:,} bytes")
        report = await run_in_threadpool(service.add, file.filename or "", data, replace)
        doc_id = doc_id_for(file.filename or "")
        status = "added" if report.added else "updated" if report.updated else "unchanged"
        entry = service.searcher.snapshot.manifest.documents[doc_id]
        return UploadResult(
            doc_id=doc_id, status=status, chunks=entry.chunks, warnings=report.warnings
        )

    @app.delete(
        "/documents/{doc_id}",
        status_code=204,
        dependencies=[Depends(writer)],
        responses=ERRORS | {401: {"model": Error}, 403: {"model": Error}},
    )
    async def delete(doc_id: str) -> None:
        if not await run_in_threadpool(service.delete, doc_id):
            raise HTTPException(404, f"no document '{excerpt(doc_id)}'")

    return app


def _info(service: Service, doc_id: str) -> DocumentInfo:
    snapshot = service.searcher.snapshot
    doc = snapshot.documents[doc_id]
    return DocumentInfo(
        doc_id=doc_id,
        title=doc.title,
        source=doc.source,
        chunks=snapshot.manifest.documents[doc_id].chunks,
        characters=len(doc.text),
        pages=[p.number for p in doc.pages],
        meta=doc.meta,
        warnings=doc.warnings,
    )
