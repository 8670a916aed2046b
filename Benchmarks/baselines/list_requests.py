# Benchmark 3's baseline: list every endpoint page by page with a requests Session (one
# connection, as a careful Python script would), then filter in Python.
import os

import requests

BASE_URL = os.environ["TOKEN_FACTORY_BASE_URL"]
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ['TOKEN_FACTORY_API_KEY']}"
endpoints, token = [], None
while True:
    response = session.get(f"{BASE_URL}/v0/dedicated_endpoints", params={"page_token": token} if token else None)
    response.raise_for_status()
    body = response.json()
    endpoints += body["endpoints"]
    token = body.get("next_page_token")
    if not token:
        break
matching = [e for e in endpoints if e["status"] == "running" and e["region"] == "eu-west1" and e["scaling"]["max_replicas"] >= 2]
print(len(matching))
