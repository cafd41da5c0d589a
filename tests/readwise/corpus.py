"""Where the shared corpus is: ``CORPUS`` of ``tests/conftest.py``, loaded by path.

Importing it as ``conftest`` is ambiguous once several test folders have a conftest (pytest
swaps the ``conftest`` module as it collects), so this loads that file under its own name.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
_spec = importlib.util.spec_from_file_location("excerpta_tests_root_conftest", _ROOT_CONFTEST)
assert _spec is not None
assert _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

CORPUS: Path = _module.CORPUS
READWISE_CORPUS = CORPUS / "readwise"
