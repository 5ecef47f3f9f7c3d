"""Training of the extraction models (run by ``scripts/train_extraction.py``; never at run time).

Why a sub-package: the corpus readers, their fixed splits, the author-written negatives and the training
procedure are shared by the training command and ``benchmarks/extraction.py``, and kept apart from the
modules the extractor loads when it runs.
"""

__all__: list[str] = []
