"""Code suggestions: cold-start rules, a classifier that learns from every decision, review.

Public API:
- :class:`RuleScorer`, :class:`Suggester`, :func:`analyse`: the estimators (scikit-learn style).
- :func:`build_suggester`, :func:`suggest_passages`: the ``--codebook`` file contract.
- :func:`retrain`, :func:`suggest_document`, :func:`suggest_project`: inside a project.
- :func:`review_queue`, :class:`Learner`: active learning for the Suggesties page.
- :func:`evaluate`: cross-validated figures per code on the project's human codings.
"""

from workbench.suggest.codes import CodeSpec, codes_from_file, codes_from_project
from workbench.suggest.model import Passage, Suggester, Suggestion, analyse
from workbench.suggest.passages import build_suggester, read_jsonl, suggest_passages, write_jsonl
from workbench.suggest.project import (
    ProjectSuggester,
    retrain,
    suggest_document,
    suggest_project,
    training_data,
)
from workbench.suggest.rules import RuleScorer

__all__ = [
    "CodeSpec",
    "Passage",
    "ProjectSuggester",
    "RuleScorer",
    "Suggester",
    "Suggestion",
    "analyse",
    "build_suggester",
    "codes_from_file",
    "codes_from_project",
    "read_jsonl",
    "retrain",
    "suggest_document",
    "suggest_passages",
    "suggest_project",
    "training_data",
    "write_jsonl",
]
