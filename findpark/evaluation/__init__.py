"""Park evaluation: quarterly indicators, the 五力 index, 亩均 A/B/C/D grades (the quarterly report is in ``findpark.reports``)."""
from .evaluate import Evaluation, cached_evaluate, evaluate, latest_index, latest_standing, park_history  # noqa: F401
