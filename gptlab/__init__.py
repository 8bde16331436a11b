"""gptlab: the pieces of a GPT, in the order the notebooks teach them.

    config       GPTConfig and its presets (tiny, shakespeare_char, gpt2, gpt3)        notebooks 00, 11
    device       get_device, set_seed, bf16 detection                                  notebook 00
    tokenizers   CharTokenizer, train_bpe / BPETokenizer, gpt2(), visible               notebook 01
    data         shakespeare(), TokenData, get_batch, download                         notebooks 00-02
    toy          "fluffy blue creature" toy language, one-head ToyHead, train_toy       notebooks 03, 05
    attention    scores, causal mask, pattern, CausalSelfAttention, KVCache, record     notebooks 03-06, 10
    mlp          MLP                                                                    notebook 07
    model        Block, GPT (run_with_cache, attention_patterns)                        notebooks 06-10
    sample       probabilities, sample_next, generate, sample_text                      notebooks 08-10
    train/       the one training loop, resumable checkpoints, DDP, the command         notebooks 10, 12, 13, 15
    prepare      text -> memory-mapped train.bin / val.bin (python -m gptlab.prepare)   notebook 15
    pretrained   the shipped Shakespeare model; the real GPT-2 when online              notebooks 02-15
    params       weight_groups, count_parameters, context_cost, scale_summary           notebooks 04, 11
    chat         chat template, special tokens, answer until the stop token             notebook 12
    transformer  the 2017 encoder-decoder with cross-attention                          notebook 13
    interpret/   looking inside a trained model: probes (02-09), lens (14)              notebooks 02-09, 14
    viz, figures pictures: style, heatmaps, diagrams; where figures are written         all
    widgets/     the interactive explorers, one module per stage                        all
    exercises/   each exercise's check beside its reference solution, per stage         all
    checks, solutions  thin re-exports of gptlab.exercises; envcheck: setup report
"""
from .config import GPTConfig
from .device import get_device, set_seed

__version__ = "0.1.0"
__all__ = ["GPTConfig", "get_device", "set_seed", "__version__"]
