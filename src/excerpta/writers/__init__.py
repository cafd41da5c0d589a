"""Built-in writers, one module per output family; each registers itself on import."""
