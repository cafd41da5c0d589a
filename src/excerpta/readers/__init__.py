"""Built-in readers, one module per input family; each registers itself on import."""
