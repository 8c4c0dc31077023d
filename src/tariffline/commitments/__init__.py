"""Agreements, commitments and progress events between the United States and Japan.

The rule files under ``tariffline/rules/commitments`` hold what was agreed (agreements), what
each side promised (commitments) and what has happened since (seed events); users add events to
an append-only log. :mod:`tariffline.commitments.api` answers: what was promised, by when, what
has been delivered as of a date, what is due next and which tariff measures hang on it.
"""
