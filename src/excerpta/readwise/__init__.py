"""Readwise support shared by the API reader and the file reader: the field mapping."""
