"""Proving the suite itself: the requirement and defect catalogues, and the defect run."""
