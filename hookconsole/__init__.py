"""hookconsole: receive, see and replay Stripe webhooks in Django."""

__version__ = "0.1.0"
