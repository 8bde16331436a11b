"""Old home of the reference solutions (notebooks 00-13); they now live in gptlab.exercises beside their checks.

Kept so that `from gptlab.solutions import x` and `solutions.x` still work. New code imports from the
stage, e.g. `from gptlab.exercises.masking import causal_softmax as solution_causal_softmax`.
Try the exercise first: the check function tells you what is wrong.
"""
from .exercises.embeddings import embed, nearest
from .exercises.flow import flow_shapes, my_generate
from .exercises.masking import causal_softmax
from .exercises.mlp import gelu_tanh, mlp, pre_norm_block
from .exercises.multi_head import multi_head_attention
from .exercises.prompting import format_prompt, generate_until_stop
from .exercises.queries_keys import attention_weights
from .exercises.sampling import apply_temperature, top_k_filter
from .exercises.scale import count_weights
from .exercises.seq2seq import cross_attention
from .exercises.tokens import count_pairs, merge
from .exercises.training import MyAttention
from .exercises.unembedding import cross_entropy, softmax
from .exercises.values import head_update

__all__ = [
    "my_generate", "flow_shapes", "count_pairs", "merge", "embed", "nearest", "attention_weights", "causal_softmax",
    "head_update", "multi_head_attention", "gelu_tanh", "mlp", "pre_norm_block", "softmax", "cross_entropy",
    "apply_temperature", "top_k_filter", "MyAttention", "count_weights", "format_prompt", "generate_until_stop",
    "cross_attention",
]
