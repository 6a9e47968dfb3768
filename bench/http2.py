#!/usr/bin/env python3
"""100 feeds on one HTTP/2 host: feedmark and newsboat side by side.

Starts the origin (bench/serve_feeds.py: every answer, 304s included, 100 ms
late) behind Debian's nginx on 127.0.0.1 with TLS and HTTP/2, a CA made for
the run, and times as whole processes, rounds interleaved:

  * `feedmark fetch --feeds LIST` into an empty archive (first run), then
    again into the full one (the all-304 rerun, what cron runs);
  * `newsboat -x reload` of the same list, first into an empty cache then
    again (when installed: apt-get install newsboat; it trusts the run's CA
    through SSL_CERT_FILE only if its libcurl reads it, so the CA is given
    to it as the system would: see --system-ca);
  * the connections nginx saw for feedmark's runs (its log's $connection).

Issue #19's marks: first run and rerun each under 0.5 s and at least 4x
faster than newsboat, over at most 2 connections.

    bench/http2.py [--feedmark build/feedmark] [--feeds 100] [--runs 5]
    bench/http2.py --hosts 25 --feeds 2000    # the network benchmark's shape

--system-ca adds the run's CA to /usr/local/share/ca-certificates (root;
removed afterwards) so that newsboat, which has no --cacert, trusts it.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import timing

EPOCH = "1648663143"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_ca(d, hosts):
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    q = dict(cwd=d, check=True, stdout=subprocess.DEVNULL,
             stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "req", "-x509", *ec, "-keyout", "ca.key",
                    "-out", "ca.pem", "-days", "2", "-subj", "/CN=bench CA"],
                   **q)
    sans = ",".join(f"IP:127.0.0.{h + 1}" for h in range(hosts))
    with open(os.path.join(d, "san.ext"), "w") as f:
        f.write(f"subjectAltName={sans}\n")
    subprocess.run(["openssl", "req", *ec, "-keyout", "server.key", "-out",
                    "server.csr", "-subj", "/CN=127.0.0.1"], **q)
    subprocess.run(["openssl", "x509", "-req", "-in", "server.csr", "-CA",
                    "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                    "server.pem", "-days", "2", "-extfile", "san.ext"], **q)


def start_nginx(d, hosts, port, origin_port):
    listens = "\n".join(f"    listen 127.0.0.{h + 1}:{port} ssl http2;"
                        for h in range(hosts))
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = f"""{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 4096; }}
http {{
  log_format bench '$connection $server_protocol $status';
  access_log {d}/access.log bench;
  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp;
  fastcgi_temp_path {d}/tmp; uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;
  upstream origin {{ server 127.0.0.1:{origin_port}; keepalive 256; }}
  server {{
{listens}
    ssl_certificate {d}/server.pem;
    ssl_certificate_key {d}/server.key;
    http2_max_concurrent_streams 128;
    location / {{
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }}
  }}
}}
"""
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    proc = subprocess.Popen(["nginx", "-g", "daemon off;", "-c",
                             os.path.join(d, "nginx.conf"), "-p", d + "/",
                             "-e", os.path.join(d, "error.log")])
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return proc
        except OSError:
            time.sleep(0.025)
    sys.exit("bench: nginx did not start")


def connections(log):
    with open(log) as f:
        lines = [line.split() for line in f]
    open(log, "w").close()
    return len({line[0] for line in lines}), len(lines)


def main():
    timing.require_gnu_time()
    ap = timing.argument_parser(__doc__)
    ap.add_argument("--feeds", type=int, default=100)
    ap.add_argument("--hosts", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--system-ca", action="store_true")
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)
    newsboat = shutil.which("newsboat")
    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp(prefix="feedmark-http2.")
    procs = []
    system_ca = "/usr/local/share/ca-certificates/feedmark-bench.crt"
    try:
        make_ca(tmp, args.hosts)
        origin = subprocess.Popen(
            [sys.executable, os.path.join(here, "serve_feeds.py"), "--feeds",
             str(args.feeds), "--hosts", "1", "--items", "15", "--latency",
             str(args.latency), "--list", os.path.join(tmp, "origin.txt")],
            stdout=subprocess.PIPE, text=True)
        procs.append(origin)
        origin_port = int(origin.stdout.readline().split()[0])
        port = free_port()
        procs.append(start_nginx(tmp, args.hosts, port, origin_port))
        urls = [f"https://127.0.0.{i % args.hosts + 1}:{port}/feed/{i}.xml"
                for i in range(args.feeds)]
        listed = os.path.join(tmp, "feeds.txt")
        with open(listed, "w") as f:
            f.write("\n".join(urls) + "\n")
        if args.system_ca:
            shutil.copy(os.path.join(tmp, "ca.pem"), system_ca)
            subprocess.run(["update-ca-certificates"], check=True,
                           stdout=subprocess.DEVNULL)
        ca = os.path.join(tmp, "ca.pem")
        log = os.path.join(tmp, "access.log")
        print(f"{args.feeds} feeds on {args.hosts} HTTP/2 host(s), "
              f"{args.latency * 1000:.0f} ms late each; {args.runs} rounds")
        results = {}
        conns = {}
        for r in range(args.runs):
            archive = os.path.join(tmp, f"archive{r}")
            for what in ("first run", "all-304 rerun"):
                results.setdefault(f"feedmark {what}", []).append(timing.run(
                    [feedmark, "fetch", "--feeds", listed, "-a", archive,
                     "--cacert", ca, "-j", str(args.jobs), "-q"], EPOCH))
                conns.setdefault(what, []).append(connections(log)[0])
            shutil.rmtree(archive)
            if newsboat and args.system_ca:
                home = os.path.join(tmp, f"newsboat{r}")
                os.makedirs(home)
                with open(os.path.join(home, "urls"), "w") as f:
                    f.write("\n".join(urls) + "\n")
                with open(os.path.join(home, "config"), "w") as f:
                    f.write(f"reload-threads {args.jobs}\n")
                for what in ("first run", "all-304 rerun"):
                    results.setdefault(f"newsboat {what}", []).append(
                        timing.run([newsboat, "-u", os.path.join(home, "urls"),
                                    "-c", os.path.join(home, "cache.db"), "-C",
                                    os.path.join(home, "config"), "-x",
                                    "reload"], EPOCH, env={"HOME": home}))
                connections(log)
        best = {k: min(s for s, _ in v) for k, v in results.items()}
        print(f"\n{'(best of ' + str(args.runs) + ')':<26} {'wall s':>8} "
              f"{'vs newsboat':>12}")
        for what, seconds in best.items():
            other = best.get(what.replace("feedmark", "newsboat"))
            ratio = (f"{other / seconds:>11.1f}x"
                     if other and what.startswith("feedmark") else "")
            print(f"{what:<26} {seconds:>8.3f} {ratio:>12}")
        for what, counts in conns.items():
            print(f"feedmark {what}: connections per run {sorted(set(counts))}")
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            p.wait()
        if args.system_ca and os.path.exists(system_ca):
            os.remove(system_ca)
            subprocess.run(["update-ca-certificates", "--fresh"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
