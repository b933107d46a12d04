"""Scorecards (评分卡): application (A), behaviour (B) and collection (C) cards.

Trained with optbinning (monotonic optimal binning) and a WOE logistic regression scaled to points; stored as an
inspectable JSON artefact (``artefact.py``) that the decision and the nightly run load; scored in pure numpy
(``points.py``) or as an Ibis expression on DuckDB / Spark (``sql.py``). Training imports optbinning and
scikit-learn lazily: scoring needs neither.
"""
