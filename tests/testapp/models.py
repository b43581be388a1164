from django.db import models


class HandlerWrite(models.Model):
    """One row per handler run: lets tests see which writes were committed."""

    event_id = models.CharField(max_length=255)
    handler = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.handler} {self.event_id}"
