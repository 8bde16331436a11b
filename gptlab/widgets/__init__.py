"""Interactive controls for the notebooks (ipywidgets), one module per stage of the course.

    module        notebook                         builders (and the drawings the notebook also shows)
    base          all                              Explorer (every widget's base class), show_figure
    html          01-13                            HTML/SVG renderers: heatmap_html, bars_html, tokens_html, ...
    flow          00 the flow                      generation_stepper (generation_steps, draw_generation_step)
    tokens        01 tokens                        token_viewer (token_pieces, draw_token_rows)
    embeddings    02 embeddings                    embedding_explorer (draw_embedding_map)
    attention     03 queries and keys, 06 heads    query_key_explorer (draw_query_scores),
                                                   head_pattern_explorer (draw_head_pattern)
    masking       04 causal masking                context_cost_widget (example_causal_pattern)
    values        05 values                        value_widget (draw_value_contributions)
    mlp           07 the MLP block                 neuron_explorer (draw_activation_text, snippet_line)
    unembedding   08 unembedding and softmax       next_token_explorer
    sampling      09 temperature, 10 training      temperature_explorer, sampling_explorer
    scale         11 scale                         scale_explorer (draw_weight_groups)
    chat          12 prompting                     chat_box (draw_chat_template)
    seq2seq       13 encoder-decoder               translator_box (draw_cross_attention)
    inside        14 inside the model              inside_explorer (draw_inside)

Each builder returns a widget whose numbers come from pure functions in the concept's own module
(gptlab.interpret.probes, gptlab.toy, gptlab.params, gptlab.sample), so tests can set `.value` on a
control and read `.last`, with no browser. Import from the stage's module, e.g.
`from gptlab.widgets.tokens import token_viewer`; each module's NOTEBOOKS says which notebooks it serves.
"""
