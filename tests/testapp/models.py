from django.db import models


class HandlerWrite(models.Model):
    """One row per handler run: lets tests see which writes were committed."""

    event_id = models.CharField(max_length=255)
    handler = models.CharField(max_length=64)
