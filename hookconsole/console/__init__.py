"""The HTMX dashboard: a live, filterable view of events, with reprocess and dry run."""
