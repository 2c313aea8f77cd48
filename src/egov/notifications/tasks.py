"""Background tasks of notifications (django-tasks, run by ``egov worker``).

egov no longer enqueues them: since session 6 the worker's outbox sweep, every second, is the
only delivery path (``services``, "Why a sweep"). They stay so that task rows an older egov
queued still run after an upgrade; each delivers its messages if they are still due."""

from __future__ import annotations

from django_tasks import task


@task()
def outbox_deliver_task(message_id: int) -> str:
    """Deliver one outbox message if it is still due; returns its status afterwards.

    Running it twice, or after the sweep sent the message, does nothing more.
    """
    from egov.notifications.services import outbox_deliver_one

    return outbox_deliver_one(message_id=message_id)


@task()
def outbox_deliver_many_task(message_ids: list[int]) -> list[str]:
    """``outbox_deliver_task`` for the messages enqueued together (one event's channels)."""
    from egov.notifications.services import outbox_deliver_one

    return [outbox_deliver_one(message_id=message_id) for message_id in message_ids]
