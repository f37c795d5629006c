"""The AI short-video pipeline: shared domain package used by every function."""
