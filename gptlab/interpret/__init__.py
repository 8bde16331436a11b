"""Looking inside a trained model: probes.py (per-stage measurements used by notebooks 02-09) and lens.py
(the whole model on one prompt: logit lens, attribution, ablation; written by another helper)."""
