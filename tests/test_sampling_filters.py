"""Top-k and top-p together match Hugging Face's warpers, and ties follow one stated rule (notebook 09)."""
import pytest
import torch
from transformers.generation.logits_process import TopKLogitsWarper, TopPLogitsWarper

from gptlab.sample import probabilities


def hugging_face_probabilities(logits: torch.Tensor, temperature: float, top_k: int | None,
                               top_p: float | None) -> torch.Tensor:
    """What transformers' generate samples from: temperature, then TopK, then TopP, then softmax."""
    scores = logits / temperature
    ids = torch.zeros(logits.size(0), 1, dtype=torch.long)  # the warpers ignore the ids read so far
    if top_k is not None:
        scores = TopKLogitsWarper(top_k)(ids, scores)
    if top_p is not None:
        scores = TopPLogitsWarper(top_p)(ids, scores)
    return torch.softmax(scores, dim=-1)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("top_k", [None, 1, 3, 10, 40])
@pytest.mark.parametrize("top_p", [None, 0.2, 0.5, 0.8, 0.95, 1.0])
def test_matches_hugging_face(seed, top_k, top_p):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(8, 40, generator=g) * 2.5  # 8 rows, 40 tokens: no ties, no boundary cases
    for temperature in (1.0, 0.6):
        ours = probabilities(logits, temperature, top_k, top_p)
        theirs = hugging_face_probabilities(logits, temperature, top_k, top_p)
        assert torch.equal(ours > 0, theirs > 0), "different tokens kept"
        assert torch.allclose(ours, theirs, atol=1e-6)


def test_top_p_reads_the_renormalised_top_k_distribution():
    logits = torch.log(torch.tensor([0.4, 0.3, 0.2, 0.1]))
    # top-2 leaves 4/7 and 3/7; 4/7 alone already reaches 0.5, so top-p keeps only the first token
    # (reading the un-renormalised 0.4 would have kept both)
    assert probabilities(logits, top_k=2, top_p=0.5).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert torch.allclose(probabilities(logits, top_k=2, top_p=0.6), torch.tensor([4 / 7, 3 / 7, 0, 0]))


def test_ties_go_to_the_lower_token_id():
    assert (probabilities(torch.zeros(6), top_k=3) > 0).tolist() == [True] * 3 + [False] * 3
    logits = torch.tensor([1.0, 2.0, 0.5, 2.0, 2.0])
    assert (probabilities(logits, top_k=2) > 0).tolist() == [False, True, False, True, False]
    # four equal tokens: the first two reach top_p=0.5, the lower ids are taken
    assert probabilities(torch.zeros(4), top_p=0.5).tolist() == [0.5, 0.5, 0.0, 0.0]
    batch = torch.zeros(3, 300)  # long rows too, where a sort may take another path
    assert (probabilities(batch, top_k=7) > 0).nonzero()[:, 1].tolist() == list(range(7)) * 3
