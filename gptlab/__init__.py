"""gptlab: the pieces of a GPT, in the order the notebooks teach them.

    config      GPTConfig and its presets (tiny, shakespeare_char, gpt2, gpt3)   notebooks 00, 11
    device      get_device, set_seed                                              notebook 00
    tokenizers  CharTokenizer, train_bpe / BPETokenizer, gpt2()                   notebook 01
    data        shakespeare(), TokenData, get_batch, download                     notebooks 00-02
    toy         "fluffy blue creature" toy language, one-head ToyHead, train_toy   notebooks 03, 05
    attention   scores, causal mask, pattern, CausalSelfAttention                 notebooks 03-06
    mlp         MLP                                                               notebook 07
    model       Block, GPT                                                        notebooks 06-10
    sample      probabilities, sample_next, generate                              notebooks 08-09
    train       TrainConfig, train, save_checkpoint, load_checkpoint              notebook 10
    pretrained  the small Shakespeare model that later notebooks load             notebooks 02-12
    params      weight_groups, count_parameters                                   notebook 11
    chat        chat template, special tokens, answer until the stop token        notebook 12
    transformer the 2017 encoder-decoder with cross-attention                     notebook 13
    viz, widgets, checks, solutions, envcheck: pictures, controls, exercises, setup
"""
from .config import GPTConfig
from .device import get_device, set_seed

__version__ = "0.1.0"
__all__ = ["GPTConfig", "get_device", "set_seed", "__version__"]
