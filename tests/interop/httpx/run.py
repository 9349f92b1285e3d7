"""Runs the scenarios of scenarios.json through Python httpx and prints one JSON object per
scenario (the fields the Rust side compares), for tests/interop/httpx_diff.rs.

Usage: python run.py BASE_URL < scenarios.json > results.json
"""

import hashlib
import json
import sys

import httpx


def outcome(client, scenario, base):
    method = scenario["method"]
    url = base + scenario["path"]
    kwargs = {"headers": scenario.get("headers") or None}
    if "params" in scenario:
        # httpx replaces the URL's query with params (its documented 0.28 behaviour).
        kwargs["params"] = scenario["params"]
    if "form" in scenario:
        data = {}
        for key, value in scenario["form"]:
            data.setdefault(key, []).append(value)
        kwargs["data"] = data
    if "data" in scenario:
        kwargs["data"] = dict(scenario["data"])
    if "files" in scenario:
        kwargs["files"] = [(name, (filename, content.encode(), kind))
                           for name, filename, content, kind in scenario["files"]]
    if "json" in scenario:
        kwargs["json"] = scenario["json"]
    if "body" in scenario:
        kwargs["content"] = scenario["body"].encode()
    if "basic" in scenario:
        kwargs["auth"] = httpx.BasicAuth(*scenario["basic"])
    if "digest" in scenario:
        kwargs["auth"] = httpx.DigestAuth(*scenario["digest"])
    follow = scenario.get("follow", False)
    response = client.request(method, url, follow_redirects=follow, **kwargs)
    if "then" in scenario:
        response = client.get(base + scenario["then"])
    return describe(response)


def describe(response):
    content = response.content
    result = {
        "status": response.status_code,
        "url": str(response.url),
        "history": [r.status_code for r in response.history],
        "location": response.headers.get("location"),
        "content_range": response.headers.get("content-range"),
        "body_sha256": hashlib.sha256(content).hexdigest(),
        "text_sha256": hashlib.sha256(response.text.encode()).hexdigest(),
        "encoding": response.encoding.lower().replace("_", "-"),
        "line_count": len(response.text.splitlines()),
        "raise": None,
        "json": None,
    }
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as error:
        result["raise"] = str(error).splitlines()[0].split(" for url ")[0]
    try:
        result["json"] = response.json()
    except ValueError:
        pass
    return result


def main():
    base = sys.argv[1].rstrip("/")
    scenarios = json.load(sys.stdin)
    results = {}
    with httpx.Client(timeout=10) as client:
        for scenario in scenarios:
            client.cookies.clear()
            try:
                results[scenario["name"]] = outcome(client, scenario, base)
            except httpx.HTTPError as error:
                results[scenario["name"]] = {"error": type(error).__name__}
    json.dump(results, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
