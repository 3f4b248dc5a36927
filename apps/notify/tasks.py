"""Messages out through the task queue. Both tasks are idempotent: a message is claimed before
its provider is called, so a task run twice (acks_late, the sweeper) sends it once."""

from __future__ import annotations

from celery import Task, shared_task

from apps.notify import services


@shared_task(name="notify.deliver", bind=True, ignore_result=True)
def deliver(self: Task, message_id: int) -> str:
    """Send one queued message; one that must wait (a limit, a 429, a failure to retry) is
    sent again by this task after a countdown. In-process (no broker) it is left to the sweeper
    (`notify.send_due`, `manage.py send_due_messages`)."""
    eager = bool(self.request.is_eager)
    step = services.message_deliver(message_id=message_id, pace=not eager)
    if step.retry_in is not None and not eager:
        deliver.apply_async(args=[message_id], countdown=step.retry_in)
    return step.outcome


@shared_task(name="notify.send_due", ignore_result=True)
def send_due() -> int:
    """Beat, every NOTIFY_SWEEP_SECONDS: close claims left by dead workers and send what is due
    (retries whose time came, messages whose task was lost)."""
    return len(services.messages_send_due().due)
