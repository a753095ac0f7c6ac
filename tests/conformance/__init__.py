"""Conformance of the emulator's wire behaviour with the official spec and real traffic.

- ``test_spec_responses``: every response of realistic SDK scenarios validates against the
  2023-05-01 OpenAPI spec (schema looked up by path + method), and sends no member the spec
  does not declare (bar a recording-backed allow-list).
- ``test_recordings``: every recorded interaction (vcrpy cassettes) replayed against the
  emulator: same status, relevant headers and body shape (``shape.py``).
- ``test_secrets``: no response carries a secret.
- ``test_wire_facts``: wire facts of the recordings, checked on every scenario exchange.

Reference files are read from ``../shared/reference`` beside the checkout; without them the
tests that need them skip.
"""
