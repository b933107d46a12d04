"""The staff console: the agent's workspace, the supervisor's approvals and QA, the compliance officer's desk, the
strategy and portfolio dashboards.

Pure modules (``dashboard``, ``qa``, ``practice``, ``call_scripts``, ``humanise``, ``live_lint``) compute from plain
data; ``*_load`` / ``*_service`` modules read the database through the other domains' services; the pages under
``/console`` only translate HTTP to those calls.
"""
