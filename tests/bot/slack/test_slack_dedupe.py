"""RecentKeys: first sighting wins, keys expire, the set stays bounded and thread-safe."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.dedupe import DeduplicateEvents, RecentKeys, message_keys


class Clock:
    """A hand-moved clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_claim_wins_and_any_shared_key_counts() -> None:
    keys = RecentKeys(ttl=60)
    assert keys.claim("event:1", "msg:a")
    assert not keys.claim("event:1")
    assert not keys.claim("event:2", "msg:a")  # the message copy: new event id, same message
    assert not keys.claim("event:2")  # ...and its keys are now known too
    assert keys.claim(None, "") is True  # nothing to compare: never a duplicate


def test_keys_expire_after_the_ttl() -> None:
    clock = Clock()
    keys = RecentKeys(ttl=10, clock=clock)
    keys.claim("k")
    clock.now = 9.9
    assert "k" in keys
    clock.now = 10.1
    assert "k" not in keys and keys.claim("k")


def test_discard_and_re_add() -> None:
    keys = RecentKeys(ttl=10)
    keys.add("k")
    keys.discard("k")
    assert "k" not in keys
    keys.add("k")
    assert "k" in keys


def test_size_is_bounded_by_dropping_the_oldest() -> None:
    keys = RecentKeys(ttl=60, max_size=3)
    for key in "abcd":
        keys.claim(key)
    assert "a" not in keys and all(k in keys for k in "bcd")


def test_concurrent_claims_of_one_key_let_exactly_one_through() -> None:
    keys = RecentKeys(ttl=60)
    barrier = threading.Barrier(32)
    wins: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        barrier.wait()
        won = keys.claim("event:same")
        with lock:
            wins.append(won)

    threads = [threading.Thread(target=claim) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(wins) == [False] * 31 + [True]


def test_message_keys_name_the_message_not_the_event() -> None:
    event = {"channel": "C1", "ts": "1.2", "client_msg_id": "abc"}
    assert message_keys(event) == ("msg:abc", "ts:C1:1.2")
    assert message_keys({"channel": "C1"}) == (None, None)


def _request(event_id: str, retry: str | None = None) -> BoltRequest:
    body = {"type": "event_callback", "event_id": event_id, "event": {"type": "app_mention"}}
    headers: dict[str, str | Sequence[str]] = {"x-slack-retry-num": retry} if retry else {}
    return BoltRequest(body=json.dumps(body), headers=headers, mode="socket_mode")


def test_the_middleware_drops_repeated_deliveries_before_any_listener() -> None:
    middleware = DeduplicateEvents(RecentKeys(ttl=60))
    passed: list[str] = []

    def run(request: BoltRequest) -> BoltResponse:
        def next_() -> BoltResponse:
            passed.append(request.body["event_id"])
            return BoltResponse(status=200, body="listener ran")

        return middleware.process(req=request, resp=BoltResponse(status=200), next=next_)

    assert run(_request("Ev1")).body == "listener ran"
    repeat = run(_request("Ev1", retry="1"))
    assert repeat.status == 200 and repeat.body == ""
    run(_request("Ev2"))
    assert passed == ["Ev1", "Ev2"]
