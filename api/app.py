"""The FastAPI application: request models in, library calls, response models out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, File, Header, HTTPException, Query, Request, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

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
from clusterqa.errors import ClusterQAError, IndexStateError, UnsupportedTypeError
from clusterqa.models import DOC_ID_RE
from clusterqa.service import Service
from clusterqa.store import current_path

STATIC = Path(__file__).parent / "static"
_MAX_SLICE = 20_000
# 422 (invalid request) keeps FastAPI's own documented shape: a list of {loc, msg, type}, which
# the web page turns into field-by-field messages.
ERRORS = {400: {"model": Error}, 404: {"model": Error}}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    service = Service(settings)
    app = FastAPI(
        title="clusterqa",
        version=__version__,
        description="Cited answers from Korean reports on bio/medical industry clusters.",
    )
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

    @app.exception_handler(ClusterQAError)
    async def bad_input(_: Request, exc: ClusterQAError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    def writer(x_api_key: Annotated[str | None, Header()] = None) -> None:
        """Write endpoints need the configured key; with none configured they are closed."""
        if not settings.api_key:
            raise HTTPException(403, "uploads and deletions are disabled: no API key configured")
        if x_api_key != settings.api_key:
            raise HTTPException(401, "missing or wrong X-API-Key")

    def document(doc_id: str):
        if not DOC_ID_RE.match(doc_id) or doc_id not in service.searcher.snapshot.documents:
            raise HTTPException(404, f"no document {doc_id!r}")
        return service.searcher.snapshot.documents[doc_id]

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/health", response_model=Health)
    def health() -> Health:
        snapshot = service.searcher.snapshot
        path = current_path(settings.index_dir)
        return Health(
            status="ok",
            version=__version__,
            model=snapshot.manifest.model,
            index=path.name if path else None,
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
        end = len(doc.text) if end is None else end
        if start > end or end > len(doc.text) or end - start > _MAX_SLICE:
            raise HTTPException(
                400, f"need 0 <= start <= end <= {len(doc.text)} and at most {_MAX_SLICE} chars"
            )
        return TextSlice(doc_id=doc_id, start=start, end=end, text=doc.text[start:end])

    @app.post("/search", response_model=list[SearchHit], responses=ERRORS)
    def search(body: SearchRequest) -> list[SearchHit]:
        searcher = service.searcher
        return [
            SearchHit(**searcher.citation(h).model_dump(), ranks=h.ranks)
            for h in searcher.search(body.query, body.top_k)
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
            413: {"model": Error},
            415: {"model": Error},
        },
    )
    async def upload(file: Annotated[UploadFile, File()]) -> UploadResult:
        data = await file.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise HTTPException(413, f"file is larger than {settings.max_file_bytes:,} bytes")
        report = await run_in_threadpool(service.add, file.filename or "", data)
        doc_id = Path(file.filename or "").stem
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
            raise HTTPException(404, f"no document {doc_id!r}")

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
