"""Shipped JSON Schema files (generated from :mod:`excerpta.model`; a test keeps them fresh)."""
