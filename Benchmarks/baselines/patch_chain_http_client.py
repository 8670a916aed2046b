# P2's chain baseline: list every endpoint, then patch the first N (argv[1]) one after another
# over one keep-alive connection with Python's http.client: a lean client, no library on top,
# so the difference from tfscript's chain is what each client adds to a request.
import http.client
import json
import os
import sys
import urllib.parse

count = int(sys.argv[1])
url = urllib.parse.urlsplit(os.environ["TOKEN_FACTORY_BASE_URL"])
headers = {"Authorization": f"Bearer {os.environ['TOKEN_FACTORY_API_KEY']}", "Content-Type": "application/json"}
connection = http.client.HTTPConnection(url.hostname, url.port)

connection.request("GET", "/v0/dedicated_endpoints", headers=headers)
response = connection.getresponse()
body = json.loads(response.read())
assert response.status == 200, response.status
endpoints = body if isinstance(body, list) else body["endpoints"]
assert len(endpoints) >= count, f"expected at least {count} endpoints, got {len(endpoints)}"

for i in range(count):
    payload = json.dumps({"description": f"chained patch {i + 1}"})
    connection.request("PATCH", f"/v0/dedicated_endpoints/{endpoints[i]['endpoint_id']}", body=payload, headers=headers)
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
