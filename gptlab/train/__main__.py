"""`python -m gptlab.train`: the training command (see gptlab/train/cli.py; notebook 10 teaches its loop)."""
import sys

from .cli import main

sys.exit(main())
