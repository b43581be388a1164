"""HTML pieces of the console. Every value from a payload goes through format_html."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Levels of a payload shown unfolded; deeper objects start folded.
OPEN_LEVELS = 3


def badge(value: str, label: str) -> SafeString:
    """A status with its text, coloured by a class (never colour alone)."""
    return format_html('<span class="hc-badge hc-{}">{}</span>', value, label)


def json_tree(value: Any, level: int = 0) -> SafeString:
    """The payload as nested <details>: indented, foldable, escaped."""
    if isinstance(value, dict):
        items = [
            (format_html('<span class="hc-key">{}</span>: ', json.dumps(k)), v)
            for k, v in value.items()
        ]
        summary = f"{{…}} {len(value)} keys"
    elif isinstance(value, list):
        items = [(SafeString(""), v) for v in value]
        summary = f"[…] {len(value)} items"
    else:
        return format_html(
            '<span class="hc-{}">{}</span>',
            type(value).__name__,
            json.dumps(value, ensure_ascii=False),
        )
    if not items:
        return format_html("<span>{}</span>", "{}" if isinstance(value, dict) else "[]")
    children = format_html_join(
        "", "<li>{}{}</li>", ((key, json_tree(child, level + 1)) for key, child in items)
    )
    return format_html(
        '<details class="hc-json"{}><summary>{}</summary><ul>{}</ul></details>',
        " open" if level < OPEN_LEVELS else "",
        summary,
        children,
    )
