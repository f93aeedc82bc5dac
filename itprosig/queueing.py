"""Queue a Celery task by its name, so a service never imports the task module that calls it.

Tasks are thin wrappers that import their services; a service that queues work (the outbox's send
after commit, a newsletter's batches) names the task instead, by the stable name settings' routes
and beat use too. The module is imported when the task is first needed, as a worker's autodiscovery
would, and the task object is used, so eager mode runs it in-process as before.
"""

import importlib

from celery import current_app


def task_named(name):
    """Return the registered Celery task `name` ("members.tasks.send_outbox_message")."""
    importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]
