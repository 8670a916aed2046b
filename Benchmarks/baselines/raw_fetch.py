# Benchmark 3's floor: the same ten pages fetched over one keep-alive connection with nothing
# decoded (the next page's token is found with a byte search). Prints `median_ms X` over 9
# rounds, so interpreter start-up is not counted.
import http.client
import os
import re
import statistics
import time
from urllib.parse import urlsplit

url = urlsplit(os.environ["TOKEN_FACTORY_BASE_URL"])
headers = {"Authorization": f"Bearer {os.environ['TOKEN_FACTORY_API_KEY']}"}
TOKEN = re.compile(rb'"next_page_token":\s*"([^"]*)"')


def fetch_all():
    connection = http.client.HTTPConnection(url.hostname, url.port)
    token, total = None, 0
    while True:
        connection.request("GET", "/v0/dedicated_endpoints" + (f"?page_token={token}" if token else ""), headers=headers)
        body = connection.getresponse().read()
        total += len(body)
        match = TOKEN.search(body[-200:])
        token = match.group(1).decode() if match else None
        if not token:
            break
    connection.close()
    return total


fetch_all()
times = []
for _ in range(9):
    start = time.perf_counter()
    fetch_all()
    times.append(time.perf_counter() - start)
print(f"median_ms {statistics.median(times) * 1000:.3f}")
