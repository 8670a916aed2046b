# Benchmark 2's second baseline: the same list + patch with 32 threads, each with its own
# requests Session (connection reuse), as a Python user would parallelize it.
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

API_KEY = os.environ["TOKEN_FACTORY_API_KEY"]
BASE_URL = os.environ["TOKEN_FACTORY_BASE_URL"]
local = threading.local()


def session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
        local.session.headers["Authorization"] = f"Bearer {API_KEY}"
    return local.session


body = session().get(f"{BASE_URL}/v0/dedicated_endpoints").json()
endpoints = body if isinstance(body, list) else body["endpoints"]
assert len(endpoints) == 500, f"expected 500 endpoints, got {len(endpoints)}"


def patch(endpoint):
    response = session().patch(f"{BASE_URL}/v0/dedicated_endpoints/{endpoint['endpoint_id']}",
                               json={"description": "patched by the benchmark"})
    response.raise_for_status()


with ThreadPoolExecutor(max_workers=32) as pool:
    list(pool.map(patch, endpoints))
