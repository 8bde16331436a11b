"""Looking inside a trained model (notebooks 02-09 and 14).

    probes.py  per-stage measurements the explorers show: next-token logits, attention patterns, neuron
               activations and their top snippets, nearest embeddings, 2-D projections (notebooks 02-09)
    lens.py    the whole model on one prompt: trace, logit lens, direct logit attribution, ablation (notebook 14)
"""
