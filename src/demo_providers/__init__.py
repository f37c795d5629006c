"""Offline providers for the local stack, demos, tests and benchmarks. Never deployed.

The product (`shortvideo`) never imports this package: it finds the factories below through
the entry points that pyproject.toml registers (groups `shortvideo.providers` and
`shortvideo.transcribers`), and refuses them outside ENVIRONMENT=local.
"""
