"""Stage logic: one module per function, each a plain function over the ports."""
