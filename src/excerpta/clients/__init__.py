"""HTTP clients of remote sources. They know HTTP and the APIs, never the canonical model."""
