"""Creator accounts (decision 0015): Firebase Auth identities, users/{uid}, personal API tokens,
roles, export and erasure."""
