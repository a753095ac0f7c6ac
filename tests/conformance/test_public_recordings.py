"""Public recordings of real ACI traffic (``public/``, see PROVENANCE.md) replayed against the
emulator, interaction by interaction, with the same comparison as ``test_recordings``.

Unlike the reference cassettes, these do not all match yet: ``public/expected.json`` holds,
per transcript, how many interactions the emulator matches and, for each one it does not,
why (one of CATEGORIES). The test prints the table, fails when an interaction that matched no
longer does or a new difference has no reason, and fails when a listed difference has gone
(so that the table stays true: remove it from the file).
"""

from __future__ import annotations

import json

import pytest

from .replay import Replayer
from .scenarios import Cloud
from .test_recordings import check, recording_api_version
from .transcripts import EXPECTED, KEPT_HEADERS, load, transcript_files

#: Why an interaction may differ from the recording.
CATEGORIES = ("emulator bug", "not implemented", "noise", "deliberate")

FILES = transcript_files()
#: Headers whose presence is compared: those kept, less Retry-After (the emulator sends it on
#: purpose, RETRY_AFTER_SECONDS), plus Content-Type when there is a body.
COMPARED_HEADERS = tuple(h for h in KEPT_HEADERS if h != "retry-after") + ("content-type",)


def replay_transcript(path) -> tuple[dict, int, dict[int, list[str]]]:
    """(source, total, {index: problems}) of one transcript replayed on a fresh emulator."""
    source, recs = load(path)
    r = Replayer(Cloud(), recs)
    r.setup()
    api = recording_api_version(recs)
    problems = {}
    for rec in recs:
        try:
            got = r.send(rec)
        except AssertionError as exc:   # e.g. an operation the emulator never started
            problems[rec.index] = [str(exc)]
            continue
        lines = check(path.name, rec, got, api, r.cloud.sub, headers=COMPARED_HEADERS)
        if lines:
            problems[rec.index] = lines
    return source, len(recs), problems


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_every_transcript_has_expected_counts(expected):
    assert {p.name for p in FILES} == set(expected), \
        f"{EXPECTED.name} must list exactly the transcripts in {EXPECTED.parent.name}/"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_public_recording_replay(path, expected, capsys):
    want = expected[path.name]
    source, total, problems = replay_transcript(path)
    matched = total - len(problems)
    with capsys.disabled():
        print(f"\n{path.stem}: {matched}/{total} interactions matched "
              f"(expected at least {want['matched']})")
    assert total == want["total"], f"{path.name} has {total} interactions, expected.json says " \
                                   f"{want['total']}"
    reasons = {int(k): v for k, v in want.get("mismatches", {}).items()}
    for why in reasons.values():
        assert why.split(":", 1)[0] in CATEGORIES, f"{path.name}: category of {why!r}"
    new = {i: p for i, p in problems.items() if i not in reasons}
    gone = sorted(set(reasons) - set(problems))
    report = "\n".join(f"#{i} {line}" for i, lines in sorted(new.items()) for line in lines)
    assert not new, f"{path.name}: interactions that differ without a reason in " \
                    f"{EXPECTED.name}:\n{report}"
    assert not gone, f"{path.name}: interactions {gone} now match: remove them from the " \
                     f"mismatches of {EXPECTED.name} and raise 'matched' to {matched}"
    assert matched >= want["matched"]
