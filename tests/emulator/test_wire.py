"""ARM wire behaviour: errors envelope, auth, api-version, routing, casing, URLs."""

from __future__ import annotations

from .conftest import RG


def _err(body):
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]["code"]


def test_missing_authorization_is_401(cloud):
    st, _, body = cloud.raw("GET", cloud.cg_path("g1"), auth=False)
    assert st == 401 and _err(body) == "AuthenticationFailed"
    assert body["error"]["message"] == "Authentication failed. The 'Authorization' header is missing."


def test_api_version_missing_and_unknown(cloud):
    st, _, body = cloud.raw("GET", cloud.cg_path("g1"), api=None)
    assert st == 400 and _err(body) == "MissingApiVersionParameter"
    assert body["error"]["message"] == ("The api-version query parameter (?api-version=) is "
                                        "required for all requests.")
    st, _, body = cloud.raw("GET", cloud.cg_path("g1"), api="2021-03-01")
    assert st == 400 and _err(body) == "NoRegisteredProviderFound"
    assert body["error"]["message"].startswith(
        "No registered resource provider found for location 'westus' and API version "
        "'2021-03-01' for type 'containerGroups'. The supported api-versions are '2023-05-01, "
        "2024-05-01-preview, 2024-10-01-preview, 2024-11-01-preview, 2025-09-01, 2026-05-01, "
        "2026-06-01-preview'.")
    st, _, body = cloud.raw("GET", f"/subscriptions/{cloud.sub}/resourcegroups/{RG}",
                            api="1999-01-01")
    assert st == 400 and _err(body) == "InvalidApiVersionParameter"


def test_unknown_route_and_wrong_method(cloud):
    st, _, body = cloud.raw("GET", cloud.cg_path("g1") + "/bogus")
    assert st == 404 and _err(body) == "InvalidResourceType"
    st, _, body = cloud.raw("GET", "/nothing/here")
    assert st == 404 and _err(body) == "NotFound"
    st, _, body = cloud.raw("POST", cloud.cg_path("g1"))
    assert st == 405 and _err(body) == "MethodNotAllowed"


def test_malformed_json_is_400_and_changes_nothing(cloud):
    st, _, body = cloud.raw("PUT", cloud.cg_path("g1"), b"{not json")
    assert st == 400 and _err(body) == "InvalidRequestContent"
    assert "could not be deserialized" in body["error"]["message"]
    st, _, body = cloud.raw("PUT", cloud.cg_path("g1"), {"location": "westus"})
    assert st == 400 and _err(body) == "InvalidRequestContent"
    st, _, body = cloud.raw("PUT", cloud.cg_path("g1"), {"properties": {}})
    assert st == 400 and _err(body) == "LocationRequired"
    assert list(cloud.aci.container_groups.list()) == []


def test_paths_are_case_insensitive_and_urls_point_at_the_request_host(cloud):
    from .conftest import group
    body = cloud.aci.container_groups._serialize.body(group(), "ContainerGroup")
    path = cloud.cg_path("g1").lower()
    st, headers, _ = cloud.raw("PUT", path, body, base="http://localhost:7000")
    assert st == 201
    assert headers["azure-asyncoperation"].startswith("http://localhost:7000/subscriptions/")
    st, _, got = cloud.raw("GET", path.upper().replace("G1", "g1"))
    assert st == 200 and got["name"] == "g1"


def test_other_subscription_is_404(cloud):
    st, _, body = cloud.raw("GET", cloud.cg_path("g1").replace(cloud.sub, "1" * 8 + "-0000-0000-0000-" + "0" * 12))
    assert st == 404 and _err(body) == "SubscriptionNotFound"


def test_every_answer_has_arm_headers(cloud):
    st, headers, _ = cloud.raw("GET", cloud.cg_path("g1"))
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["x-ms-request-id"] and headers["Date"].endswith("GMT")
