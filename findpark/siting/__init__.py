"""The siting model (项目落位智能匹配): hard constraints, criteria, weighted score, reasons, learned weights.

Data flows one way: request → Requirement → candidates (precomputed per store version) → criteria matrix
→ scores and reasons → response. ``kernel`` is pure numpy and never sees geometry, SQL or Flask.
"""
from .recommend import choice_set, recommend  # noqa: F401
from .requirement import CRITERIA, Requirement, format_errors  # noqa: F401
