"""Exec and attach sessions (emulator/streams.py): a password works once, for a short time."""

from __future__ import annotations

import re

from aci_helpers.emulator import assumptions as A
from aci_helpers.emulator.streams import Broker, is_local, socket_uri


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_a_password_works_once():
    b = Broker()
    sid, pw = b.issue("exec", {"container": "c1"})
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", sid)
    assert pw.endswith("[[EOM]]") and pw.isprintable() and len(pw) > 20
    assert b.redeem("exec", sid, pw) == {"container": "c1"}
    assert b.redeem("exec", sid, pw) is None


def test_a_wrong_password_spends_the_session():
    b = Broker()
    sid, pw = b.issue("exec", "x")
    assert b.redeem("exec", sid, "guess") is None
    assert b.redeem("exec", sid, pw) is None
    sid2, pw2 = b.issue("exec", "y")
    assert b.redeem("exec", sid2, pw2.encode()) == "y"   # bytes are taken too
    sid3, pw3 = b.issue("exec", "z")
    assert b.redeem("exec", sid3, b"\xff\xfe") is None     # not UTF-8: simply wrong


def test_a_password_expires():
    clock = FakeClock()
    b = Broker(clock=clock)
    sid, pw = b.issue("attach", 1)
    clock.t += A.EXEC_PASSWORD_TTL_SECONDS + 0.1
    assert b.redeem("attach", sid, pw) is None


def test_kinds_do_not_mix_and_unknown_sessions_are_refused():
    b = Broker()
    sid, pw = b.issue("attach", 1)
    assert b.redeem("exec", sid, pw) is None
    assert b.redeem("exec", "nope", "x") is None


def test_pending_sessions_are_bounded_and_expired_ones_dropped():
    clock = FakeClock()
    b = Broker(clock=clock, capacity=3)
    first = b.issue("exec", 0)
    for i in range(5):
        b.issue("exec", i)
    assert len(b) == 3
    assert b.redeem("exec", *first) is None
    clock.t += A.EXEC_PASSWORD_TTL_SECONDS + 1
    b.issue("exec", 9)
    assert len(b) == 1


def test_uris_have_the_recorded_shape():
    assert socket_uri("https://127.0.0.1:8443", "exec", "abc", 24, 80) == \
        "wss://127.0.0.1:8443/execstream/sessionId/abc?api-version=1.0&rows=24&cols=80"
    assert socket_uri("https://127.0.0.1:8443", "attach", "abc") == \
        "wss://127.0.0.1:8443/logstream/sessionId/abc?api-version=1.0"
    assert is_local("https://127.0.0.1:1") and is_local("https://LOCALHOST:2")
    assert not is_local("https://management.azure.com")
