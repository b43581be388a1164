# The seed's four handler examples, unchanged but for the import path.
from django.db import transaction
from hookconsole import webhooks

@webhooks.handler("customer.subscription.trial_will_end")
def my_handler(event, **kwargs):
    print("We should probably notify the user at this point")


@webhooks.handler("customer")
def my_handler(event, **kwargs):
    print("We should probably notify the user at this point")


@webhooks.handler("price", "product")
def my_handler(event, **kwargs):
    print("Triggered webhook " + event.type)


def do_something():
    pass  # send a mail, invalidate a cache, fire off a Celery task, etc.

@webhooks.handler("price", "product")
def my_handler(event, **kwargs):
    transaction.on_commit(do_something)
