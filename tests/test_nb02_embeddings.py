"""Notebook 02: the embedding exercises' checks and the embedding explorer widget."""
import torch
import torch.nn.functional as F

from gptlab import checks, solutions
from gptlab.interpret.probes import nearest_tokens, project_2d
from gptlab.widgets.embeddings import embedding_explorer


def test_solutions_pass():
    assert checks.check_embed(solutions.embed)
    assert checks.check_nearest(solutions.nearest)


def test_embed_equals_lookup():
    m = torch.randn(9, 4)
    ids = torch.tensor([[0, 8], [3, 3]])
    assert torch.equal(solutions.embed(ids, m), m[ids])


def test_check_embed_not_implemented():
    def stub(ids, matrix):
        raise NotImplementedError

    result = checks.check_embed(stub)
    assert not result and "not implemented yet" in result.message


def test_check_embed_catches_integer_one_hot():
    result = checks.check_embed(lambda ids, m: F.one_hot(ids, m.size(0)) @ m)
    assert not result and ".to(matrix.dtype)" in result.message


def test_check_embed_catches_transposed_matrix():
    result = checks.check_embed(lambda ids, m: F.one_hot(ids, m.size(0)).float() @ m.T)
    assert not result and "not one_hot @ matrix.T" in result.message


def test_check_embed_catches_returning_one_hot():
    result = checks.check_embed(lambda ids, m: F.one_hot(ids, m.size(0)).float())
    assert not result and "one-hot rows themselves" in result.message


def test_check_nearest_catches_dot_product():
    result = checks.check_nearest(lambda v, m, k: (m @ v).topk(k).indices)
    assert not result and "largest dot product" in result.message


def test_check_nearest_catches_ascending_order():
    def ascending(v, m, k):
        sims = F.normalize(m, dim=-1) @ F.normalize(v, dim=-1)
        return sims.topk(k, largest=False).indices

    result = checks.check_nearest(ascending)
    assert not result and "least similar" in result.message


def test_check_nearest_catches_values():
    result = checks.check_nearest(lambda v, m, k: (F.normalize(m, dim=-1) @ F.normalize(v, dim=-0)).topk(k).values)
    assert not result and "indices" in result.message


def test_project_2d_is_pca_with_fixed_sign():
    m = torch.randn(20, 6)
    xy = project_2d(m)
    assert xy.shape == (20, 2)
    centred = m - m.mean(0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    assert torch.allclose(xy.abs(), (centred @ vh[:2].T).abs(), atol=1e-5)
    assert torch.equal(project_2d(m), xy)


def test_nearest_tokens_excludes_itself_and_sorts():
    m = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    idx, sims = nearest_tokens(m, 0, k=3)
    assert idx == [1, 2, 3]
    assert sims == sorted(sims, reverse=True)
    idx, _ = nearest_tokens(m, 0, k=2, candidates=[2, 3, 0])
    assert idx == [2, 3]


def test_embedding_explorer_updates_last():
    m = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0], [0.1, 0.95]])
    box = embedding_explorer(m, list("abcde"), k=2)
    assert box.last["label"] == "a" and box.last["neighbour_labels"] == ["b", "e"]
    box.token.value = 2
    assert box.last["index"] == 2 and box.last["neighbour_labels"] == ["e", "b"]
    assert len(box.last["similarities"]) == 2 and box.last["similarities"][0] > 0.9


def test_embedding_explorer_with_candidates():
    m = torch.randn(6, 3)
    box = embedding_explorer(m, list("abcdef"), k=3, candidates=[1, 2, 4], start=2)
    assert box.last["index"] == 2
    assert set(box.last["neighbours"]) == {1, 4}
    assert [v for _, v in box.token.options] == [1, 2, 4]
