"""The app's two thread pools: quick listeners (which ack) and answering (which may be slow)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


class WorkerPools:
    """`size` threads for bolt's listeners and `size` for answers; shut down by their owner.

    Answers run on their own pool so that a backlog of slow answers never delays the listeners
    that ack slash commands and button clicks. With size=1 events are handled in arrival order.
    """

    def __init__(self, size: int = 8) -> None:
        if size < 1:
            raise ValueError("WorkerPools needs at least one thread per pool")
        self.size = size
        self.listeners = ThreadPoolExecutor(max_workers=size, thread_name_prefix="newsbot-listener")
        self.answers = ThreadPoolExecutor(max_workers=size, thread_name_prefix="newsbot-answer")

    def shutdown(self) -> None:
        """Let queued and running work finish, then stop the threads."""
        self.listeners.shutdown(wait=True)
        self.answers.shutdown(wait=True)
