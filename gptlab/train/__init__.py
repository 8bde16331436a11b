"""Training (notebook 10; notebooks 12 and 13 train with it too; `python -m gptlab.train` is the command).

    loop.py         TrainConfig, lr_at, make_optimizer, History, train_step, estimate_loss, train
    checkpoints.py  save_checkpoint, load_checkpoint, CheckpointError (resumable training state)
    distributed.py  torchrun / DistributedDataParallel
    cli.py          the command (python -m gptlab.train, gptlab-train)
"""
from .checkpoints import CHECKPOINT_FORMAT, CheckpointError, load_checkpoint, read_checkpoint, save_checkpoint
from .loop import (PROGRESS_SECONDS, History, TrainConfig, estimate_loss, lm_loss, lr_at, make_optimizer, train,
                   train_step)

__all__ = ["CHECKPOINT_FORMAT", "CheckpointError", "History", "PROGRESS_SECONDS", "TrainConfig", "estimate_loss",
           "lm_loss", "load_checkpoint", "lr_at", "make_optimizer", "read_checkpoint", "save_checkpoint", "train",
           "train_step"]
