# List every endpoint, then patch each one: sequential `requests` calls with a Bearer
# header, the way the Token Factory API docs write their examples.
import os

import requests

API_KEY = os.environ["TOKEN_FACTORY_API_KEY"]
BASE_URL = os.environ.get("TOKEN_FACTORY_BASE_URL", "https://api.tokenfactory.nebius.com")
headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}

response = requests.get(f"{BASE_URL}/v0/dedicated_endpoints", headers=headers)
response.raise_for_status()
body = response.json()
endpoints = body if isinstance(body, list) else body["endpoints"]
assert len(endpoints) == 500, f"expected 500 endpoints, got {len(endpoints)}"

for endpoint in endpoints:
    response = requests.patch(
        f"{BASE_URL}/v0/dedicated_endpoints/{endpoint['endpoint_id']}",
        headers=headers,
        json={"description": "patched by the benchmark"},
    )
    response.raise_for_status()
