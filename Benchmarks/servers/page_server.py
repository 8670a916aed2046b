#!/usr/bin/env python3
"""A static list API for benchmark 3: serves pre-built pages of GET /v0/dedicated_endpoints.

asyncio, HTTP/1.1 keep-alive, pages built once in memory before the first request, so the
server does no JSON work while it is measured (the simulator would serialize each page).
Usage: page_server.py PORT PAGES_JSON   (PAGES_JSON: a JSON array of page bodies as strings)
Prints "ready" on stdout once listening.
"""
import asyncio
import json
import sys
from urllib.parse import parse_qs, urlsplit


def main():
    port = int(sys.argv[1])
    with open(sys.argv[2]) as f:
        pages = [page.encode() for page in json.load(f)]

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line = head.split(b"\r\n", 1)[0].decode()
                _, target, _ = line.split(" ", 2)
                query = parse_qs(urlsplit(target).query)
                index = int(query.get("page_token", ["0"])[0])
                body = pages[index] if 0 <= index < len(pages) else b'{"error":{"message":"no such page"}}'
                status = b"200 OK" if 0 <= index < len(pages) else b"404 Not Found"
                writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
