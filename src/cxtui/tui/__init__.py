"""The Textual app: dashboard panes, drill-down lists and the ticket and journey screens.

Nothing outside this package imports Textual; the screens read the database only through
`cxtui.metrics` and `cxtui.queries`, always from worker threads.
"""
