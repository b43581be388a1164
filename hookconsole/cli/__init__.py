"""The operator's command line: `manage.py hookconsole <send|reprocess|export|prune|stats>`."""
