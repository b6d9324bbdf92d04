"""Agency identity: which organ published each report (resolve.py), from rules kept as data
(rules.py), and what a person should settle by hand (review.py). Never imports dagster."""

from .resolve import Agency, Assignment, ReportClues, Resolution, resolve
from .rules import Mapping

__all__ = ["Agency", "Assignment", "Mapping", "ReportClues", "Resolution", "resolve"]
