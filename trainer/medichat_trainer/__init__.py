"""Medichat trainer: LoRA fine-tuning (PEFT) of a chat model with JSON-lines progress."""

__version__ = "0.1.0"
