#!/usr/bin/env python3
"""Serve generated feeds on loopback with added latency, for bench_network.sh.

Feed i is http://127.0.0.H:PORT/feed/i.xml, spread over --hosts loopback
addresses (127.0.0.1, 127.0.0.2, ...) so that feedmark's limit of 2
connections per host does not cap the number of feeds downloaded at once.
Every response, 304s included, waits --latency seconds before it is sent,
like a distant server. Each feed has a fixed ETag and Last-Modified and
answers a matching conditional request with 304.

With --images N, each item's description shows N images (20-200 KB JPEGs,
made on the fly), at http://127.0.0.H:PORT/img/FEED/ITEM/K.jpg spread over
the same addresses; they count as image_requests and image_bytes.

GET http://127.0.0.1:PORT/_stats (no latency) returns the request counts as
JSON. The feed list (one URL a line) is written to --list; the port chosen
is printed on stdout once every address listens. Stops on SIGTERM or SIGINT.
Python 3 standard library only.

    bench/serve_feeds.py --feeds 200 --hosts 25 --latency 0.1 --list feeds.txt
"""

import argparse
import hashlib
import io
import json
import os
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# A hundred requests at once (bench/http2.py, through nginx) would overflow
# the default listen backlog of 5 and be retried a second later.
ThreadingHTTPServer.request_queue_size = 256

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_feed import Generator  # noqa: E402

LAST_MODIFIED = "Thu, 31 Mar 2022 09:12:27 GMT"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {"requests": 0, "conditional": 0, "not_modified": 0,
                       "ok": 0, "not_found": 0, "image_requests": 0,
                       "image_bytes": 0}

    def add(self, **deltas):
        with self.lock:
            for key, delta in deltas.items():
                self.counts[key] += delta

    def snapshot(self):
        with self.lock:
            return dict(self.counts)


# The bytes of every image: a JPEG's start and end around a slice of this.
FILLER = bytes(random.Random(7).getrandbits(8) for _ in range(200 * 1024))


def image_size(path):
    """20-200 KB, fixed by the path."""
    digest = hashlib.sha256(path.encode()).digest()
    return 20 * 1024 + int.from_bytes(digest[:4], "big") % (180 * 1024)


def image_body(path):
    size = image_size(path)
    return b"\xff\xd8\xff\xe0" + FILLER[:size - 6] + b"\xff\xd9"


def make_handler(feeds, latency, stats):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def log_message(self, *args):
            pass

        def send_body(self, status, body, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/_stats":
                body = json.dumps(stats.snapshot()).encode()
                return self.send_body(200, body, [("Content-Type", "application/json")])
            time.sleep(latency)
            conditional = ("If-None-Match" in self.headers
                           or "If-Modified-Since" in self.headers)
            if self.path.startswith("/img/"):
                body = image_body(self.path)
                stats.add(image_requests=1, image_bytes=len(body))
                return self.send_body(200, body, [("Content-Type", "image/jpeg")])
            stats.add(requests=1, conditional=int(conditional))
            feed = feeds.get(self.path)
            if feed is None:
                stats.add(not_found=1)
                return self.send_body(404, b"not found\n")
            body, etag = feed
            if (self.headers.get("If-None-Match") == etag
                    or self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                stats.add(not_modified=1)
                return self.send_body(304, b"", [("ETag", etag)])
            stats.add(ok=1)
            self.send_body(200, body, [
                ("Content-Type", "application/rss+xml; charset=utf-8"),
                ("ETag", etag), ("Last-Modified", LAST_MODIFIED)])

    return Handler


def feed_with_images(i, items, images, hosts, port):
    """An RSS feed whose items each show `images` pictures."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
             f'<title>Feed {i}</title><link>https://news{i}.example/</link>']
    for j in range(items):
        pictures = "".join(
            f'<p><img src="http://127.0.0.{(i * 7 + j * 3 + k) % hosts + 1}:{port}'
            f'/img/{i}/{j}/{k}.jpg" alt="Picture {k}"></p>' for k in range(images))
        parts.append(
            f"<item><title>Story {i}.{j}</title><link>https://news{i}.example/{j}"
            f"</link><guid>story-{i}-{j}</guid><pubDate>Wed, 30 Mar 2022 "
            f"{j % 24:02d}:00:00 GMT</pubDate><description><![CDATA[<p>Text of "
            f"story {j}.</p>{pictures}]]></description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def generate_feeds(count, items, images=0, hosts=1, port=0):
    feeds = {}
    for i in range(count):
        out = io.BytesIO()
        if images:
            out.write(feed_with_images(i, items, images, hosts, port))
        else:
            Generator(1000 + i).write(out, items)
        body = out.getvalue()
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        feeds[f"/feed/{i}.xml"] = (body, etag)
    return feeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=15, help="items per feed")
    ap.add_argument("--hosts", type=int, default=25, help="loopback addresses")
    ap.add_argument("--latency", type=float, default=0.1, help="seconds")
    ap.add_argument("--images", type=int, default=0, help="images per item")
    ap.add_argument("--list", required=True, help="write the feed list here")
    args = ap.parse_args()
    if not 1 <= args.hosts <= 250:
        ap.error("--hosts must be between 1 and 250")

    feeds = {}
    stats = Stats()
    handler = make_handler(feeds, args.latency, stats)
    first = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    port = first.server_address[1]
    feeds.update(generate_feeds(args.feeds, args.items, args.images,
                                args.hosts, port))
    servers = [first] + [ThreadingHTTPServer((f"127.0.0.{h}", port), handler)
                         for h in range(2, args.hosts + 1)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()

    with open(args.list, "w") as f:
        for i in range(args.feeds):
            f.write(f"http://127.0.0.{i % args.hosts + 1}:{port}/feed/{i}.xml\n")
    total = sum(len(body) for body, _ in feeds.values())
    print(port, total, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
