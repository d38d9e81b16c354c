"""Turning retrieved passages into answers: extractive (default) or LLM-backed."""
