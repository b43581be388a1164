"""Lifecycle signals, named as dj-stripe names them.

- ``webhook_pre_validate(instance=delivery)``: before validation (delivery unsaved).
- ``webhook_post_validate(instance=delivery, valid=bool)``: after validation.
- ``webhook_pre_process(instance=event, attempt=attempt)``: before the handlers run.
- ``webhook_post_process(instance=event, attempt=attempt)``: after an attempt finished,
  whatever its outcome.
- ``webhook_processing_error(instance=event, attempt=attempt, exception=exc, data=payload)``:
  after a failed attempt was recorded.
"""

from django.dispatch import Signal

webhook_pre_validate = Signal()
webhook_post_validate = Signal()
webhook_pre_process = Signal()
webhook_post_process = Signal()
webhook_processing_error = Signal()
