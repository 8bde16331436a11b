"""The exercises of notebooks 00-15: in each stage's module, the reference solution beside the check that grades it.

    module        notebook                      reference solution(s) / check(s)
    common        all                           CheckResult, run_check, require, close, is_close; GRADING switch
    flow          00 the flow                   my_generate / check_generate, flow_shapes / check_flow_shapes
    tokens        01 tokens                     count_pairs / check_count_pairs, merge / check_merge
    embeddings    02 embeddings                 embed / check_embed, nearest / check_nearest
    queries_keys  03 queries and keys           attention_weights / check_attention_weights
    masking       04 causal masking             causal_softmax / check_causal_softmax
    values        05 values                     head_update / check_head_update
    multi_head    06 multi-head attention       multi_head_attention / check_multi_head_attention
    mlp           07 MLP, residuals, LayerNorm  mlp / check_mlp, pre_norm_block / check_pre_norm_block
    unembedding   08 unembedding and softmax    softmax / check_softmax, cross_entropy / check_cross_entropy
    sampling      09 temperature and sampling   apply_temperature / check_apply_temperature,
                                                top_k_filter / check_top_k_filter
    training      10 train a GPT                MyAttention / check_my_attention
    scale         11 scale                      count_weights / check_count_weights
    prompting     12 prompting                  format_prompt / check_format_prompt,
                                                generate_until_stop / check_generate_until_stop
    seq2seq       13 encoder-decoder            cross_attention / check_cross_attention
    inside        14 inside the model           logit_lens_by_hand / check_logit_lens,
                                                most_harmful_head / check_most_harmful_head
    scale_out     15 beyond one machine         per_rank_batch / check_per_rank_batch

A notebook imports from its own stage, e.g. ``from gptlab.exercises.masking import check_causal_softmax``.
Checks print "✅ ..." / "❌ ..." for self-study; with ``GPTLAB_GRADING=1`` a failing check raises
AssertionError for nbgrader (see common.py). tests/test_exercises.py runs every check on its reference.
"""
