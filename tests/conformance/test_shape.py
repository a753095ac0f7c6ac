"""The shape comparator itself (no reference needed): it must see what differs, say where,
and ignore what naturally differs."""

from __future__ import annotations

import json

from .shape import ShapeOptions, compare

GROUP = {"id": "/subscriptions/a/x", "name": "g", "location": "westus",
         "properties": {"provisioningState": "Succeeded", "osType": "Linux",
                        "containers": [{"name": "c1", "properties": {"ports": [{"port": 80}],
                                        "instanceView": {"events": [
                                            {"name": "Pulling", "count": 1}]}}}],
                        "ipAddress": {"ip": "1.2.3.4", "fqdn": "lbl01.westus.azurecontainer.io"}}}


def _copy(x):
    return json.loads(json.dumps(x))


def test_equal_shapes_with_different_natural_values_are_equal():
    other = _copy(GROUP)
    other["id"], other["name"] = "/subscriptions/b/y", "h"
    other["properties"]["ipAddress"]["ip"] = "20.1.1.1"
    other["properties"]["ipAddress"]["fqdn"] = "other-label.westus.azurecontainer.io"
    assert not compare(GROUP, other, ShapeOptions(location="westus"))


def test_missing_and_extra_keys_are_reported_with_their_path():
    other = _copy(GROUP)
    del other["properties"]["osType"]
    other["properties"]["containers"][0]["properties"]["instanceView"]["restartCount"] = 0
    lines = compare(GROUP, other).lines
    assert "$.properties.osType: missing in the emulator's answer (recorded 'Linux')" in lines
    assert ("$.properties.containers[0].properties.instanceView.restartCount: not in the "
            "recorded answer (emulator 0)") in lines


def test_enum_values_compare_only_at_comparable_moments():
    other = _copy(GROUP)
    other["properties"]["provisioningState"] = "Pending"
    assert compare(GROUP, other).lines == [
        "$.properties.provisioningState: value differs (recorded 'Succeeded', emulator "
        "'Pending')"]
    assert not compare(GROUP, other, ShapeOptions(exact_enums=False))


def test_kinds_lengths_and_fqdn_format():
    other = _copy(GROUP)
    other["properties"]["containers"][0]["properties"]["ports"] = [{"port": "80"}]
    other["properties"]["osType"] = ["Linux"]
    other["properties"]["ipAddress"]["fqdn"] = "lbl01.azure-container.io"
    other["properties"]["containers"].append(_copy(other["properties"]["containers"][0]))
    other["properties"]["containers"][1]["name"] = "c2"
    lines = compare(GROUP, other, ShapeOptions(location="westus")).lines
    assert "$.properties.containers[0].properties.ports[0]: no recorded item with port='80'" \
        in lines
    assert ("$.properties.osType: kind differs (recorded string 'Linux', emulator array "
            "['Linux'])") in lines
    assert "$.properties.containers: length differs (recorded 1, emulator 2)" in lines
    assert "$.properties.containers[1]: no recorded item with name='c2'" in lines
    assert any("fqdn 'lbl01.azure-container.io' is not <label>.westus" in x for x in lines)


def test_event_lists_may_differ_in_length_not_in_item_shape():
    other = _copy(GROUP)
    iv = other["properties"]["containers"][0]["properties"]["instanceView"]
    iv["events"] = [{"name": "Pulling", "count": 1}, {"name": "Started", "count": 1},
                    {"name": "Killing"}]
    assert compare(GROUP, other).lines == [
        "$.properties.containers[0].properties.instanceView.events[2].count: missing in the "
        "emulator's answer (recorded 1)"]


def test_ignored_paths_and_substitutions():
    other = _copy(GROUP)
    other["properties"]["extra"] = 1
    other["id"] = "/subscriptions/b/x"
    o = ShapeOptions(ignore_paths=frozenset({"$.properties.extra"}),
                     exact_keys=frozenset({"id"}), substitutions=(("/a/", "/b/"),))
    assert not compare(GROUP, other, o)
