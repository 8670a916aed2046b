#!/usr/bin/env python3
"""tfscript's benchmarks: each one measured side by side with its baseline in one invocation.

Run through scripts/bench (which builds the release binary first). Prints a table of medians
and ratios and writes docs/performance.md. Needs hyperfine, lua5.4, python3 with requests,
GNU time (/usr/bin/time) and openssl (certificates for the HTTPS rows). Everything runs on
loopback; every loop is bounded.
"""
import argparse
import datetime
import json
import math
import os
import platform
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
WORKLOADS = os.path.join(BENCH, "workloads")
LATENCY_MS = 20
ENDPOINTS = 500
CONCURRENCY = 32
PAGED_LIST = 100  # P2's paged variant: the list in pages of this size
CHAIN = 100  # P2's chain: patches one after another, for the time of one request
LIST_PAGES = 10
PAGE_SIZE = 1_000


def log(message):
    print(message, file=sys.stderr, flush=True)


def endpoint(i):
    return {
        "endpoint_id": f"ep-{i:05d}",
        "name": f"bench-{i:05d}",
        "description": "an endpoint made for the benchmarks",
        "model_name": "openai/gpt-oss-120b",
        "flavor_name": "base",
        "gpu_type": "gpu-h100-sxm",
        "gpu_count": 1,
        "region": ["eu-north1", "eu-west1", "us-central1"][i % 3],
        "scaling": {"min_replicas": 0, "max_replicas": 2},
        "enabled": True,
        "status": "running",
        "routing_key": f"bench/model-{i:05d}",
        "created_at": "2026-01-01T00:00:00Z",
    }


def hyperfine(commands, runs, warmup, env=None):
    """Median seconds of each command, from one hyperfine invocation (side by side)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    argv = ["hyperfine", "-N", "--style", "basic", "--warmup", str(warmup), "--runs", str(runs), "--export-json", path]
    argv += [" ".join(command) for command in commands]
    subprocess.run(argv, check=True, env=env, stdout=sys.stderr)
    with open(path) as f:
        results = json.load(f)["results"]
    os.unlink(path)
    return [r["median"] for r in results]


def script_median(argv, env=None):
    """Runs a workload that prints `median_ms X` and returns X in seconds."""
    out = subprocess.run(argv, check=True, env=env, capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("median_ms"):
            return float(line.split()[1]) / 1000
    raise RuntimeError(f"{argv}: no median in output {out!r}")


def peak_rss_mb(argv, runs, env=None):
    """Median peak resident memory (GNU time's %M, KiB) of `runs` runs, in MB."""
    values = []
    for _ in range(runs):
        result = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{argv} failed: {result.stderr[-500:]}")
        values.append(int(result.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(values)


def lua_static_flags():
    """Compiler flags for Debian's static liblua5.4.a, the library scripts/build-release links."""
    cflags = subprocess.run(["pkg-config", "--cflags", "lua5.4"], capture_output=True, text=True, check=True).stdout.split()
    libdir = subprocess.run(["pkg-config", "--variable=libdir", "lua5.4"], capture_output=True, text=True, check=True).stdout.strip()
    return cflags + [f"-L{libdir}", "-l:liblua5.4.a", "-lm"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Simulator:
    """`tfscript simulator` in its own process, with injected latency on every request.

    With `certificates` (from make_certificates) it serves HTTPS, offering HTTP/2 by ALPN
    unless `http1_only`."""

    def __init__(self, tfscript, fleet_path, certificates=None, http1_only=False, page_size=ENDPOINTS):
        self.port = free_port()
        self.token = "bench-token"
        scheme = "https" if certificates else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        argv = [tfscript, "simulator", "--port", str(self.port), "--token", self.token, "--speed", "0",
                "--latency", f"{LATENCY_MS}ms", "--page-size", str(page_size), "--fleet", fleet_path]
        context = None
        if certificates:
            argv += ["--tls-cert", certificates["cert"], "--tls-key", certificates["key"]]
            if http1_only:
                argv.append("--http1-only")
            context = ssl.create_default_context(cafile=certificates["ca"])
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{self.url}/_simulator/faults", timeout=1, context=context).read()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the simulator did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def make_certificates(work):
    """A private CA and a server certificate it signed for 127.0.0.1 (P-256), with the openssl CLI."""
    paths = {name: os.path.join(work, f"{name}.pem") for name in ("ca", "ca-key", "cert", "key")}
    extensions = os.path.join(work, "server.ext")
    with open(extensions, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    csr = os.path.join(work, "server.csr")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    quiet = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "req", "-x509", *ec, "-keyout", paths["ca-key"], "-out", paths["ca"], "-days", "2",
                    "-subj", "/CN=tfscript bench CA"], **quiet)
    subprocess.run(["openssl", "req", *ec, "-keyout", paths["key"], "-out", csr, "-subj", "/CN=127.0.0.1"], **quiet)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", paths["ca"], "-CAkey", paths["ca-key"], "-CAcreateserial",
                    "-out", paths["cert"], "-days", "2", "-extfile", extensions], **quiet)
    return paths


def versions(tfscript):
    def run(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import requests
    # How the measured binary was linked (scripts/build-release), read from the binary itself.
    dynamic = subprocess.run(["readelf", "-dW", tfscript], capture_output=True, text=True).stdout
    sections = subprocess.run(["readelf", "-SW", tfscript], capture_output=True, text=True).stdout
    build = ", ".join([
        "Lua " + ("shared (liblua5.4.so)" if "liblua5.4.so" in dynamic else "static (liblua5.4.a)"),
        "Swift runtime " + ("shared" if "libswiftCore.so" in dynamic else "static"),
        "relative relocations " + ("packed (RELR)" if ".relr.dyn" in sections else "unpacked"),
    ])
    return {
        "build": build,
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "tfscript": run([tfscript, "--version"]),
        "lua": run(["lua5.4", "-v"]),
        "python": f"Python {platform.python_version()}, requests {requests.__version__}",
        "hyperfine": run(["hyperfine", "--version"]),
    }


def chain_rows(tf, fleet_path, quick):
    """P2's unit: one request in a chain (one patch after another, no tf.parallel), tfscript and
    Python's http.client against the same simulator. Each client runs the chain of CHAIN
    patches and the same list without them; the difference ÷ CHAIN is one request. The four
    commands alternate round by round, so the VM's drift falls on all of them."""
    rows = []
    log(f"== P2 one request in a chain of {CHAIN}")
    simulator = Simulator(tf, fleet_path)
    env = dict(os.environ, TOKEN_FACTORY_API_KEY=simulator.token, TOKEN_FACTORY_BASE_URL=simulator.url)
    chain_commands = [
        [tf, "run", "--base-url", simulator.url, os.path.join(WORKLOADS, "patch_chain.lua"), str(CHAIN)],
        [tf, "run", "--base-url", simulator.url, os.path.join(WORKLOADS, "patch_chain.lua"), "0"],
        ["python3", os.path.join(BENCH, "baselines", "patch_chain_http_client.py"), str(CHAIN)],
        ["python3", os.path.join(BENCH, "baselines", "patch_chain_http_client.py"), "0"],
    ]
    try:
        hyperfine(chain_commands, runs=1, warmup=0, env=env)  # warm-up round, not counted
        rounds = [hyperfine(chain_commands, runs=1, warmup=0, env=env) for _ in range(3 if quick else 7)]
    finally:
        simulator.stop()
    tf_chain, tf_list, py_chain, py_list = (statistics.median(r[i] for r in rounds) for i in range(4))
    tf_request = (tf_chain - tf_list) / CHAIN
    py_request = (py_chain - py_list) / CHAIN
    rows.append((f"P2. one request in a chain ({CHAIN} patches one after another ÷ {CHAIN})", tf_request,
                 "Python http.client, one keep-alive connection, same server", py_request, tf_request / py_request,
                 "(tfscript ÷ this: what the client adds)", None))
    rows.append(("", None, "the injected latency", LATENCY_MS / 1000, tf_request / (LATENCY_MS / 1000),
                 "(tfscript ÷ this: client, server and loopback)", None))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tfscript", default=os.path.join(ROOT, ".build-static", "release", "tfscript"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test, not for the record)")
    parser.add_argument("--caps-only", action="store_true",
                        help="only P6 (the parser and collector caps; no tfscript binary needed), printed, not written")
    parser.add_argument("--test-only", action="store_true",
                        help="only P8, tfscript test on a 50-case suite; prints only")
    parser.add_argument("--embed-only", action="store_true",
                        help="only P7 (embedded runs against the C floor; builds Benchmarks/embed), printed, not written")
    parser.add_argument("--embed-compare", metavar="BINARY",
                        help="P7 also measures this EmbedBench binary (e.g. built from an earlier commit), interleaved")
    args = parser.parse_args()
    tf = args.tfscript
    quick = args.quick
    work = os.path.join(ROOT, ".build", "bench")
    os.makedirs(work, exist_ok=True)
    if args.test_only:
        log("== P8 tfscript test, 50 cases")
        print("| benchmark | tfscript | baseline | baseline value | ratio | target | met |")
        print("|---|---|---|---|---|---|---|")
        for row in test_suite_rows(tf, work, quick):
            print(render_row(row))
        return
    if args.embed_only:
        log("== P7 embedded runs")
        rows = embed_rows(work, quick, args.embed_compare)
        print("| benchmark | tfscript | baseline | baseline value | ratio | target | met |")
        print("|---|---|---|---|---|---|---|")
        for row in rows:
            print(render_row(row))
        return
    if args.caps_only:
        log("== P6 parser and collector caps")
        for name, value, baseline, base_value, ratio, target, met in caps_rows(work, quick):
            print("| " + " | ".join([name, fmt(value, False), baseline, fmt(base_value, False),
                                     "" if ratio is None else f"{ratio:.2f}×", target,
                                     "" if met is None else ("yes" if met else "**no**")]) + " |")
        return

    # Fixtures: a 500-endpoint fleet for the simulator (P2); ten pages of 1,000 endpoints for
    # the static page server (P3, P5).
    fleet_path = os.path.join(work, "fleet500.json")
    with open(fleet_path, "w") as f:
        json.dump([endpoint(i) for i in range(1, ENDPOINTS + 1)], f)
    pages_path = os.path.join(work, "pages10k.json")
    pages = []
    for page in range(LIST_PAGES):
        items = [endpoint(page * PAGE_SIZE + i) for i in range(1, PAGE_SIZE + 1)]
        body = {"endpoints": items}
        if page + 1 < LIST_PAGES:
            body["next_page_token"] = str(page + 1)
        pages.append(json.dumps(body))
    with open(pages_path, "w") as f:
        json.dump(pages, f)
    rows = []

    # P1. Cold start.
    log("== P1 cold start")
    noop = os.path.join(WORKLOADS, "noop.lua")
    # The floor of any Swift program: Foundation, runtime linked statically, one print.
    hello = os.path.join(work, "hello")
    subprocess.run(["swiftc", "-O", "-static-stdlib", "-o", hello, os.path.join(BENCH, "baselines", "hello.swift")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tf_start, tf_version, lua_start, hello_start, py_start = hyperfine(
        [[tf, "run", noop], [tf, "--version"], ["lua5.4", "-e", "''"], [hello], ["python3", "-c", "'import requests'"]],
        runs=10 if quick else 40, warmup=3)
    rows.append(("P1. cold start, empty script", tf_start, "lua5.4 -e ''", lua_start, tf_start / lua_start,
                 "≤ 4× lua5.4 (time)", tf_start / lua_start <= 4))
    rows.append(("", None, "tfscript --version (process start alone)", tf_version, tf_start / tf_version, "(tfscript ÷ this)", None))
    rows.append(("", None, "a Swift hello world with Foundation, static (any Swift program)", hello_start,
                 hello_start / lua_start, "(this ÷ lua5.4)", None))
    rows.append(("", None, "python3 -c 'import requests'", py_start, py_start / tf_start, "(reference)", None))

    # P2. List + patch 500 endpoints, 20 ms latency per request.
    log(f"== P2 list + patch {ENDPOINTS} endpoints, {LATENCY_MS} ms latency")
    simulator = Simulator(tf, fleet_path)
    env = dict(os.environ, TOKEN_FACTORY_API_KEY=simulator.token, TOKEN_FACTORY_BASE_URL=simulator.url)
    try:
        (parallel,) = hyperfine([[tf, "run", "--base-url", simulator.url, os.path.join(WORKLOADS, "patch_parallel.lua")]],
                                runs=3 if quick else 10, warmup=1, env=env)
        (python_threads,) = hyperfine([["python3", os.path.join(BENCH, "baselines", "patch_requests_threaded.py")]],
                                      runs=3 if quick else 5, warmup=1, env=env)
        python_seq, = hyperfine([["python3", os.path.join(BENCH, "baselines", "patch_requests.py")]],
                                runs=1 if quick else 3, warmup=0, env=env)
    finally:
        simulator.stop()
    # The latency bound of the workload: the list's round trip, then ⌈500/32⌉ rounds of patches
    # (no client can start a patch before the list has answered).
    rounds = math.ceil(ENDPOINTS / CONCURRENCY)
    bound = (1 + rounds) * LATENCY_MS / 1000
    patch_rounds = rounds * LATENCY_MS / 1000
    rows.append((f"P2. list + patch {ENDPOINTS}, tf.parallel {CONCURRENCY}, {LATENCY_MS} ms latency", parallel,
                 f"latency bound (1 + ⌈{ENDPOINTS}/{CONCURRENCY}⌉) × {LATENCY_MS} ms", bound, parallel / bound,
                 "≤ 1.15× the bound", parallel / bound <= 1.15))
    rows.append(("", None, f"the patch rounds alone, ⌈{ENDPOINTS}/{CONCURRENCY}⌉ × {LATENCY_MS} ms (the list not counted)",
                 patch_rounds, parallel / patch_rounds, "(tfscript ÷ this)", None))
    rows.append(("", None, "Python requests, 32 threads with sessions", python_threads, python_threads / parallel, "(reference)", None))
    rows.append(("", None, "Python requests, sequential (as the API docs)", python_seq, python_seq / parallel, "(reference)", None))

    rows += chain_rows(tf, fleet_path, quick)

    # P2 with the list in five pages of 100, as issue 21 measured it: each page needs the
    # previous page's token, so the list is five round trips before the first patch.
    log(f"== P2 list in pages of {PAGED_LIST} + patch {ENDPOINTS} endpoints")
    simulator = Simulator(tf, fleet_path, page_size=PAGED_LIST)
    env = dict(os.environ, TOKEN_FACTORY_API_KEY=simulator.token, TOKEN_FACTORY_BASE_URL=simulator.url)
    try:
        (paged,) = hyperfine([[tf, "run", "--base-url", simulator.url, os.path.join(WORKLOADS, "patch_parallel.lua")]],
                             runs=3 if quick else 10, warmup=1, env=env)
    finally:
        simulator.stop()
    pages = math.ceil(ENDPOINTS / PAGED_LIST)
    paged_bound = (pages + rounds) * LATENCY_MS / 1000
    rows.append((f"P2. the same, the list in {pages} pages of {PAGED_LIST}", paged,
                 f"latency bound ({pages} + ⌈{ENDPOINTS}/{CONCURRENCY}⌉) × {LATENCY_MS} ms", paged_bound, paged / paged_bound,
                 "≤ 1.15× the bound", paged / paged_bound <= 1.15))
    rows.append(("", None, "the one-page bound above (issue 21's figure divides by it)", bound, paged / bound,
                 "(tfscript ÷ this)", None))

    # P2 over HTTPS: the same run against the simulator serving TLS, offering HTTP/1.1 only
    # (one TLS handshake per pooled connection, 32 of them) and HTTP/2 (one connection).
    log(f"== P2 list + patch {ENDPOINTS} endpoints over HTTPS, HTTP/1.1 and HTTP/2")
    certificates = make_certificates(work)
    for http1_only, label in ((True, "HTTP/1.1"), (False, "HTTP/2")):
        simulator = Simulator(tf, fleet_path, certificates=certificates, http1_only=http1_only)
        env = dict(os.environ, TOKEN_FACTORY_API_KEY=simulator.token)
        try:
            (https,) = hyperfine([[tf, "run", "--base-url", simulator.url, "--ca-file", certificates["ca"],
                                   os.path.join(WORKLOADS, "patch_parallel.lua")]],
                                 runs=3 if quick else 10, warmup=1, env=env)
        finally:
            simulator.stop()
        rows.append((f"P2. the same over HTTPS, {label}", https, "latency bound (as above)", bound, https / bound,
                     "≤ 1.15× the bound", https / bound <= 1.15))

    # P3 and P5. List 10,000 endpoints (ten pages of 1,000) and filter them, against a static
    # asyncio page server in its own process (no JSON work on the server side).
    log(f"== P3 list {LIST_PAGES * PAGE_SIZE} endpoints ({LIST_PAGES} pages) and filter")
    server = PageServer(pages_path)
    env = dict(os.environ, TOKEN_FACTORY_API_KEY="bench-token", TOKEN_FACTORY_BASE_URL=server.url)
    try:
        tf_list, py_list = hyperfine(
            [[tf, "run", "--base-url", server.url, os.path.join(WORKLOADS, "list_filter.lua")],
             ["python3", os.path.join(BENCH, "baselines", "list_requests.py")]],
            runs=5 if quick else 20, warmup=2, env=env)
        raw_fetch = script_median(["python3", os.path.join(BENCH, "baselines", "raw_fetch.py")], env=env)
        tf_rss = peak_rss_mb([tf, "run", "--base-url", server.url, os.path.join(WORKLOADS, "list_filter.lua")],
                             runs=3 if quick else 5, env=env)
        py_rss = peak_rss_mb(["python3", os.path.join(BENCH, "baselines", "list_requests.py")], runs=3 if quick else 5, env=env)
    finally:
        server.stop()
    floor = raw_fetch + tf_start
    # The construction floor: the same 10,000 tables built with the Lua C API and nothing else.
    tables = os.path.join(work, "build_tables")
    subprocess.run(["cc", "-O2", "-o", tables, os.path.join(BENCH, "baselines", "build_tables.c")] + lua_static_flags(), check=True)
    build_ms = statistics.median(
        [float(subprocess.run([tables], check=True, capture_output=True, text=True).stdout.split()[1]) for _ in range(5 if quick else 21)])
    construction_floor = floor + build_ms / 1000
    rows.append((f"P3. list {LIST_PAGES * PAGE_SIZE:,} endpoints ({LIST_PAGES} pages) + filter in Lua", tf_list,
                 "Python requests (Session), same filter", py_list, py_list / tf_list, "≥ 2.5× faster", py_list / tf_list >= 2.5))
    rows.append(("", None, "raw fetch of the pages + tfscript's start-up", floor, tf_list / floor, "≤ 1.6× (time)", tf_list / floor <= 1.6))
    rows.append(("", None, "raw fetch alone (http.client, nothing decoded)", raw_fetch, None, "(reference)", None))
    rows.append(("", None, "the 10,000 tables alone, built in C (build_tables.c, presized)", build_ms / 1000, None, "(reference)", None))
    rows.append(("", None, "raw fetch + start-up + the tables in C (a table-building floor)", construction_floor,
                 tf_list / construction_floor, "(tfscript ÷ this)", None))

    # P4. CPU-bound loop under the sandbox.
    log("== P4 CPU-bound loop")
    cpu = os.path.join(WORKLOADS, "cpu.lua")
    # The control: a C host on the same static liblua5.4.a tfscript's release build links, with
    # no sandbox.
    host = os.path.join(work, "plain_host")
    subprocess.run(["cc", "-O2", "-o", host, os.path.join(BENCH, "baselines", "plain_host.c")] + lua_static_flags(), check=True)
    tf_cpu, lua_cpu, host_cpu = [], [], []
    for _ in range(1 if quick else 3):  # alternate, so drift in machine load hits all alike
        tf_cpu.append(script_median([tf, "run", cpu]))
        lua_cpu.append(script_median(["lua5.4", cpu]))
        host_cpu.append(script_median([host, cpu]))
    tf_cpu, lua_cpu, host_cpu = statistics.median(tf_cpu), statistics.median(lua_cpu), statistics.median(host_cpu)
    rows.append(("P4. CPU-bound Lua loop, sandbox on", tf_cpu, "plain lua5.4", lua_cpu, tf_cpu / lua_cpu,
                 "≤ 1.10× lua5.4 (time)", tf_cpu / lua_cpu <= 1.10))
    rows.append(("", None, "the same liblua5.4.a in a plain C host, no sandbox (control)", host_cpu, tf_cpu / host_cpu,
                 "(tfscript ÷ control)", None))

    # P5. Peak memory of P3's run.
    rows.append((f"P5. peak memory (RSS), P3's list", tf_rss, "Python requests, same list", py_rss, tf_rss / py_rss,
                 "≤ Python's", tf_rss <= py_rss))
    rss_trivial = peak_rss_mb([tf, "run", noop], runs=3 if quick else 5)
    rows.append(("P5. peak memory (RSS), empty script", rss_trivial, "", None, None, "(reported)", None))

    # P7. Embedded runs: engine.run of a tiny script from a program that depends on this
    # repository, against the C floor, in this invocation.
    log("== P7 embedded runs")
    rows += embed_rows(work, quick, args.embed_compare)

    # P8. tfscript test on a 50-case suite.
    log("== P8 tfscript test, 50 cases")
    rows += test_suite_rows(tf, work, quick)

    # P6. The parser and collector caps: the worst chunk of each shape the source check accepts
    # (checked and compiled) next to stock lua5.4 compiling it, and one full collection of a
    # shuffled weak-keyed chain with the sandbox's weak mode off, next to stock lua5.4.
    log("== P6 parser and collector caps")
    rows += caps_rows(work, quick)

    report = render(rows, versions(tf), quick)
    print(report)
    if not quick:
        with open(args.out, "w") as f:
            f.write(report)
        log(f"wrote {os.path.relpath(args.out, ROOT)}")

def test_suite_rows(tf, work, quick):
    """P8. `tfscript test` on a 50-case suite (each case: a fresh simulator and a dry run of the
    nightly example, checked), next to the same 50 checks as 50 `tfscript run --simulator`
    processes, the way one tests a script without the runner."""
    suite = os.path.join(work, "suite")
    os.makedirs(os.path.join(suite, "tests"), exist_ok=True)
    nightly = os.path.join(suite, "tests", "nightly.lua")
    with open(os.path.join(ROOT, "examples", "nightly-scale-down.lua")) as source, open(nightly, "w") as copy:
        copy.write(source.read())
    cases = ["local t = require \"tfscript.test\""]
    for i in range(1, 51):
        cases.append(f"t.case(\"case {i}\", function()\n"
                     "  local run = t.simulator{}:run(\"nightly.lua\", {dry_run = true})\n"
                     "  t.eq(#run.plan.operations, 3)\n"
                     "end)")
    with open(os.path.join(suite, "tests", "suite_test.lua"), "w") as f:
        f.write("\n".join(cases) + "\n")
    loop = os.path.join(suite, "fifty.sh")
    with open(loop, "w") as f:
        f.write(f"for i in $(seq 50); do {tf} run --simulator --dry-run {nightly} >/dev/null 2>&1 || exit 1; done\n")
    runner, processes = hyperfine([[tf, "test", os.path.join(suite, "tests")], ["bash", loop]],
                                  runs=3 if quick else 10, warmup=1)
    return [("P8. tfscript test, a 50-case suite (a simulator and a dry run per case)", runner,
             "the 50 checks as 50 `tfscript run --simulator --dry-run` processes", processes, processes / runner,
             "(reported: the runner's wall time)", None)]


EMBED_SCRATCH = os.path.join(ROOT, ".build-embed")
EMBED_RUNS = 3_000


def build_embed_bench():
    """Builds Benchmarks/embed (release, Lua linked statically as scripts/build-release does)
    in its own scratch folder and returns the binary's path."""
    libdir = subprocess.run(["pkg-config", "--variable=libdir", "lua5.4"], capture_output=True, text=True, check=True).stdout.strip()
    pcdir = subprocess.run(["pkg-config", "--variable=pcfiledir", "lua5.4"], capture_output=True, text=True, check=True).stdout.strip()
    os.makedirs(os.path.join(EMBED_SCRATCH, "pkgconfig"), exist_ok=True)
    with open(os.path.join(pcdir, "lua5.4.pc")) as f:
        pc = f.read()
    if os.path.exists(os.path.join(libdir, "liblua5.4.a")):
        pc = "\n".join("Libs: -L${libdir} -l:liblua5.4.a -lm" if line.startswith("Libs:") else line for line in pc.splitlines()) + "\n"
    with open(os.path.join(EMBED_SCRATCH, "pkgconfig", "lua5.4.pc"), "w") as f:
        f.write(pc)
    # SwiftPM keeps the file list of a path dependency from its last build plan: files added to
    # the repository since would be missing. Planning again is cheap; compiling stays incremental.
    for stale in ("release.yaml", os.path.join("release", "description.json")):
        try:
            os.unlink(os.path.join(EMBED_SCRATCH, stale))
        except FileNotFoundError:
            pass
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(EMBED_SCRATCH, "pkgconfig") + os.pathsep + os.environ.get("PKG_CONFIG_PATH", ""))
    subprocess.run(["swift", "build", "-c", "release", "--package-path", os.path.join(BENCH, "embed"),
                    "--scratch-path", EMBED_SCRATCH], check=True, env=env, stdout=sys.stderr)
    return os.path.join(EMBED_SCRATCH, "release", "EmbedBench")


def first_number(argv):
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), out[1:]


def embed_rows(work, quick, compare=None):
    """P7: `engine.run(.text(...))` of the issue-21 chunk, sequential and from 8 tasks, next to
    the C floor (fresh lua_State, the same libraries, compile, run, close) on the same static
    liblua5.4.a; and the resident set over 8,000 runs after a warm-up."""
    bench = build_embed_bench()
    host = os.path.join(work, "plain_host")
    subprocess.run(["cc", "-O2", "-o", host, os.path.join(BENCH, "baselines", "plain_host.c")] + lua_static_flags() + ["-lpthread"],
                   check=True)
    runs = 500 if quick else EMBED_RUNS
    rounds = "1" if quick else "3"
    seq, floor, conc, floor_conc, other_seq, other_conc = [], [], [], [], [], []
    # What a second core adds: the same on one CPU (taskset), for the scaling rows.
    one_cpu = ["taskset", "-c", "0"] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else None
    seq_one, conc_one, floor_conc_one = [], [], []
    for _ in range(1 if quick else 5):  # interleaved, so drift in machine load hits all alike
        seq.append(first_number([bench, "sequential", str(runs)])[0] / 1e6)
        floor.append(first_number([host, "--floor", str(runs)])[0] / 1e6)
        conc.append(first_number([bench, "concurrent", rounds])[0] / 1e6)
        floor_conc.append(first_number([host, "--floor-threads", "8", "250"])[0] / 1e6)
        if one_cpu:
            seq_one.append(first_number(one_cpu + [bench, "sequential", str(runs)])[0] / 1e6)
            conc_one.append(first_number(one_cpu + [bench, "concurrent", rounds])[0] / 1e6)
            floor_conc_one.append(first_number(one_cpu + [host, "--floor-threads", "8", "250"])[0] / 1e6)
        if compare:
            other_seq.append(first_number([compare, "sequential", str(runs)])[0] / 1e6)
            other_conc.append(first_number([compare, "concurrent", rounds])[0] / 1e6)
    seq, floor, conc, floor_conc = (statistics.median(v) for v in (seq, floor, conc, floor_conc))
    growth_kib, samples = first_number([bench, "rss", "8000"])
    samples = [int(x) for x in samples]
    # The slope: growth over the second half of the 8,000 runs (after 4,000 more).
    late_kib = samples[-1] - samples[len(samples) // 2]
    log(f"P7 RSS (KiB) after the warm-up, then every 1,000 runs: {samples}")
    compared = []
    if compare:
        other_growth, other_samples = first_number([compare, "rss", "8000"])
        log(f"P7 RSS of {compare} (KiB): {other_samples}")
        compared = [
            ("", None, f"{os.path.basename(compare)}, sequential", statistics.median(other_seq), statistics.median(other_seq) / seq,
             "(this ÷ tfscript)", None),
            ("", None, f"{os.path.basename(compare)}, 8 concurrent tasks", statistics.median(other_conc),
             statistics.median(other_conc) / conc, "(this ÷ tfscript)", None),
            ("", None, f"{os.path.basename(compare)}, RSS growth over the same 8,000 runs", other_growth / 1024, None, "(reference)", None),
        ]
    scaling = []
    if one_cpu:
        # How much each figure gains from the machine's other core: one CPU's figure ÷ all CPUs'.
        seq_one, conc_one, floor_conc_one = (statistics.median(v) for v in (seq_one, conc_one, floor_conc_one))
        scaling = [
            ("P7. scaling: 8 tasks on 1 CPU (taskset)", conc_one, "8 tasks on all CPUs (above)", conc, conc_one / conc,
             "(reported: gain from the other cores)", None),
            ("", None, "the C floor from 8 threads on 1 CPU", floor_conc_one, floor_conc_one / floor_conc,
             "(the floor's gain: 1 CPU ÷ all)", None),
            ("P7. scaling: sequential on 1 CPU (taskset)", seq_one, "sequential on all CPUs (above)", seq, seq_one / seq,
             "(reported: a loop builds the next run's state on its own thread)", None),
        ]
        log(f"P7 on 1 CPU: sequential {seq_one * 1e6:.1f} µs, 8 tasks {conc_one * 1e6:.1f} µs, "
            f"C floor from 8 threads {floor_conc_one * 1e6:.1f} µs")
    return [
        ("P7. embedded run, sequential: engine.run of a 10-step loop", seq,
         "C floor: fresh lua_State, same libraries, compile, run, close", floor, seq / floor, "≤ 3× the floor", seq / floor <= 3),
        ("P7. the same from 8 concurrent tasks (wall ÷ runs)", conc, "the sequential figure above", seq, conc / seq,
         "< 1× sequential", conc < seq),
        ("", None, "the C floor from 8 threads (wall ÷ runs)", floor_conc, conc / floor_conc, "(tfscript ÷ this)", None),
        ("P7. RSS growth, 8,000 runs after a 2,000-run warm-up", growth_kib / 1024, "RSS growth in the last 4,000 of them", late_kib / 1024,
         None, "≤ 2 MB, no slope", growth_kib <= 2048 and late_kib <= 512),
    ] + scaling + compared


CAPS = os.path.join(BENCH, "caps")
# Each shape of Benchmarks/caps/bombs.lua with a size the source check accepts, to start from.
CAP_SHAPES = [("elseif", 1000), ("or", 1000), ("labels", 1000), ("gotos", 1000), ("nested-gotos", 200),
              ("names", 50), ("floats", 1000), ("folded", 1000), ("strings", 10000)]
GC_STOCK_TIMEOUT = 60


def caps_check(caps, chunk):
    """(accepted, check seconds, compile seconds) of one chunk under the sandbox's checks."""
    out = subprocess.run([caps, "check", chunk], capture_output=True, text=True, check=True).stdout.split()
    return out[0] == "accepted", float(out[1]), float(out[2]) if out[0] == "accepted" else None


def write_bomb(kind, n, path):
    with open(path, "w") as f:
        subprocess.run(["lua5.4", os.path.join(CAPS, "bombs.lua"), kind, str(n)], stdout=f, check=True)


def lua_compile_seconds(chunk, runs):
    return statistics.median(
        [float(subprocess.run(["lua5.4", os.path.join(CAPS, "load_time.lua"), chunk], capture_output=True, text=True,
                              check=True).stdout) for _ in range(runs)])


def largest_accepted(caps, kind, start, path):
    """The largest size of shape `kind` the checks accept (doubling, then bisection to 2%)."""
    lo, hi = start, start
    while True:
        write_bomb(kind, hi, path)
        if not caps_check(caps, path)[0]:
            break
        lo, hi = hi, hi * 2
    while hi - lo > max(1, lo // 50):
        mid = (lo + hi) // 2
        write_bomb(kind, mid, path)
        if caps_check(caps, path)[0]:
            lo = mid
        else:
            hi = mid
    write_bomb(kind, lo, path)
    return lo


def caps_rows(work, quick):
    caps = os.path.join(work, "caps")
    shims = os.path.join(ROOT, "Sources", "TFScriptLuaShims")
    subprocess.run(["cc", "-std=c11", "-O2", "-o", caps, os.path.join(CAPS, "caps.c")]
                   + [os.path.join(shims, f) for f in ("source_check.c", "source_lexer.c", "source_budget.c", "weak_mode.c")]
                   + ["-I" + os.path.join(shims, "include")] + lua_static_flags(), check=True)
    rows = []
    runs = 1 if quick else 3
    for kind, start in CAP_SHAPES[:2] if quick else CAP_SHAPES:
        chunk = os.path.join(work, f"bomb-{kind}.lua")
        n = largest_accepted(caps, kind, start, chunk)
        results = [caps_check(caps, chunk) for _ in range(runs)]
        ours = statistics.median([check + compile for _, check, compile in results])
        stock = lua_compile_seconds(chunk, runs)
        size = os.path.getsize(chunk)
        rows.append((f"P6. parser: worst accepted chunk, {kind} × {n:,} ({size / 1024:.0f} KiB)", ours,
                     "lua5.4 compiling the same chunk", stock, ours / stock, "≤ 0.5 s (check + compile)", ours <= 0.5))
        if kind == "elseif":
            write_bomb(kind, 4 * n, chunk)
            accepted, check, _ = caps_check(caps, chunk)
            stock = lua_compile_seconds(chunk, 1)
            rows.append((f"", check, f"4× that ({4 * n:,}): refused in the check; lua5.4 compiles it in", stock,
                         None, "(refusal time)", not accepted))
    # The collector: one full collection of a shuffled weak-keyed chain.
    script = os.path.join(CAPS, "ephemerons.lua")
    def ours_gc(n):
        out = subprocess.run([caps, "gc", script, str(n)], capture_output=True, text=True, check=True).stdout.split()
        return float(out[0]), float(out[1])
    def stock_gc(n):
        try:
            out = subprocess.run(["lua5.4", script, str(n)], capture_output=True, text=True, check=True,
                                 timeout=GC_STOCK_TIMEOUT).stdout.split()
            return float(out[0])
        except subprocess.TimeoutExpired:
            return None
    n = 20000 if quick else 200000
    seconds, live_mb = ours_gc(n)
    stock = stock_gc(n)
    rows.append((f"P6. collector: shuffled weak-keyed chain of {n:,} (one full collection)", seconds,
                 "lua5.4 (ephemeron convergence)" if stock is not None else f"lua5.4: stopped after {GC_STOCK_TIMEOUT} s",
                 stock, None if stock is None else stock / max(seconds, 1e-6), "≤ 0.5 s", seconds <= 0.5))
    if not quick:
        # The largest chain the memory limit admits: the chain's live size scales with n; the
        # keys and shuffle arrays built beside it need about as much again.
        for limit_mb in (256, 1024):
            big = int(n * (limit_mb * 0.45) / live_mb)
            seconds, _ = ours_gc(big)
            projected = "" if stock is None else f", about {stock * (big / n) ** 2:,.0f} s projected from {n:,}"
            rows.append((f"P6. collector: the same, {big:,} entries (about the most under --memory-limit {limit_mb}M)",
                         seconds, f"lua5.4: not run (quadratic{projected})", None, None, "≤ 1 s", seconds <= 1))
    return rows


class PageServer:
    """servers/page_server.py in its own process."""

    def __init__(self, pages_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            ["python3", os.path.join(BENCH, "servers", "page_server.py"), str(self.port), pages_path],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if self.process.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError("the page server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def fmt(value, memory):
    if value is None:
        return ""
    if memory:
        return f"{value:.1f} MB"
    if value < 0.001:
        return f"{value * 1e6:.0f} µs"
    return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.2f} s"


def render_row(row):
    name, value, baseline, base_value, ratio, target, met = row
    memory = name.startswith("P5.") or "RSS" in name or "RSS" in baseline
    return "| " + " | ".join([
        name, fmt(value, memory), baseline, fmt(base_value, memory),
        "" if ratio is None else f"{ratio:.2f}×", target, "" if met is None else ("yes" if met else "**no**"),
    ]) + " |"


def render(rows, info, quick):
    lines = [
        "# Performance",
        "",
        "Measured by `scripts/bench` (release build): every row's tfscript and baseline numbers come",
        "from the same invocation, side by side. Times are medians; ratios are baseline ÷ tfscript",
        "(how many times faster tfscript is) except where the target says otherwise. Reproduce with",
        "`scripts/bench` (about 4–5 minutes; `scripts/bench --quick` is a smoke run that writes nothing).",
        "",
        f"Measured {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on {info['machine']}.",
        f"{info['tfscript']}; {info['lua']}; {info['python']}; {info['hyperfine']}." + (" QUICK RUN: not for the record." if quick else ""),
        f"tfscript binary: {info['build']}.",
        "",
        "| benchmark | tfscript | baseline | baseline value | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(render_row(row))
    lines += ["", NOTES]
    return "\n".join(lines) + "\n"


NOTES = open(os.path.join(BENCH, "NOTES.md")).read().strip() if os.path.exists(os.path.join(BENCH, "NOTES.md")) else ""

if __name__ == "__main__":
    main()
