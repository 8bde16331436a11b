"""Old home of the exercise checks (notebooks 00-13); they now live in gptlab.exercises, one module per stage.

Kept so that `from gptlab.checks import check_x` and `checks.check_x(...)` still work. New code imports
from the stage, e.g. `from gptlab.exercises.masking import check_causal_softmax`.
"""
from .exercises.common import CheckResult
from .exercises.embeddings import check_embed, check_nearest
from .exercises.flow import FLOW_SHAPE_HINTS, check_flow_shapes, check_generate
from .exercises.masking import check_causal_softmax
from .exercises.mlp import check_mlp, check_pre_norm_block
from .exercises.multi_head import _mha_variant, check_multi_head_attention
from .exercises.prompting import check_format_prompt, check_generate_until_stop
from .exercises.queries_keys import check_attention_weights
from .exercises.sampling import check_apply_temperature, check_top_k_filter
from .exercises.scale import check_count_weights
from .exercises.seq2seq import check_cross_attention
from .exercises.tokens import check_count_pairs, check_merge
from .exercises.training import check_my_attention
from .exercises.unembedding import check_cross_entropy, check_softmax
from .exercises.values import check_head_update

__all__ = [
    "CheckResult", "FLOW_SHAPE_HINTS", "check_generate", "check_flow_shapes", "check_count_pairs", "check_merge",
    "check_embed", "check_nearest", "check_attention_weights", "check_causal_softmax", "check_head_update",
    "check_multi_head_attention", "check_mlp", "check_pre_norm_block", "check_softmax", "check_cross_entropy",
    "check_apply_temperature", "check_top_k_filter", "check_my_attention", "check_count_weights",
    "check_format_prompt", "check_generate_until_stop", "check_cross_attention",
]
