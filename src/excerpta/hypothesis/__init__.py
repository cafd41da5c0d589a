"""Hypothesis support shared by the file reader (``hypothesis``) and the API reader
(``hypothesis-api``): the annotation mapping and the API reader's cursor."""
