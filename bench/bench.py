"""The Strike Explainer's benchmark: the production server under wrk, on the seed or on a
large synthetic content set, reported as ratios to a static file served in the same run.

Run it as `bench/run --help`. It builds everything in a temporary folder (a SQLite file,
or its own PostgreSQL database with --db postgres), migrates, loads content, collects
static files, starts gunicorn with deploy/gunicorn.conf.py on loopback (DEBUG=0, Redis
as the shared cache in a database number of its own, flushed first), then:

1. measures each page with wrk, the pages interleaved round by round so a noisy machine
   slows them all alike; each page's req/s is divided by the static file's in the same
   round;
2. saves a sticking point through the ORM in another process (manage.py bench_edit),
   again and again, timing the first request for its page after each save.

It prints a Markdown table to paste into the README.
"""

import argparse
import datetime
import getpass
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
CONTENT = {
    # content: (how to load it, search query)
    "seed": (["load_seed"], "streaming residuals"),
    "large": (["make_bench_content"], "hold firm"),
}
REDIS_DBS = range(8, 12)
# "search, rendered" carries a parameter search does not read: such an address is
# answered but never stored, so every request runs the search and renders its page.
PAGES = [
    "static",
    "home",
    "point",
    "timeline",
    "search",
    "search, rendered",
    "embed",
    "oembed",
    "offers",
    "changes",
    "feed",
    "data",
    "share image",
]


def log(message):
    print(f"-- {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run", description=__doc__.split("\n\n")[0], epilog="See bench/bench.py."
    )
    parser.add_argument("--content", choices=CONTENT, default="seed")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="with --content large: fraction of full size"
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/explainer_bench"
        ),
        help="with --db postgres: a database named explainer_bench*, dropped and made "
        "afresh (default: $BENCH_POSTGRES_URL or %(default)s)",
    )
    parser.add_argument(
        "--redis-db",
        type=int,
        default=int(os.environ.get("BENCH_REDIS_DB", "8")),
        help="Redis database number (8-11), flushed at the start (default %(default)s)",
    )
    parser.add_argument(
        "--redis-host", default=os.environ.get("BENCH_REDIS_HOST", "127.0.0.1:6379")
    )
    parser.add_argument("--no-redis", action="store_true", help="per-process memory cache")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--nginx", action="store_true", help="measure through nginx (deploy/nginx.conf)"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of pages")
    parser.add_argument("--edits", type=int, default=30, help="saves to time a page after")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.redis_db not in REDIS_DBS:
        parser.error("--redis-db must be 8, 9, 10 or 11")
    if args.db == "postgres":
        name = urllib.parse.urlsplit(args.postgres_url).path.lstrip("/")
        if not name.startswith("explainer_bench"):
            parser.error("the PostgreSQL database's name must start with explainer_bench")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    return args


class Server:
    """A temporary production setup: database, content, static files, gunicorn."""

    def __init__(self, args):
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix="explainer-bench-"))
        self.port = free_port()
        # Where readers' requests go: gunicorn itself, or nginx in front of it.
        self.public_port = free_port() if getattr(args, "nginx", False) else self.port
        self.base = f"http://127.0.0.1:{self.public_port}"
        self.process = self.nginx = None
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REDIS_URL", "STATICFILES_BACKEND"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="explainer.settings",
            DEBUG="0",
            SECRET_KEY="bench-only-" + "k" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=self.base,
            STATIC_ROOT=str(self.dir / "static"),
            WEB_CONCURRENCY=str(args.workers),
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            LOG_LEVEL="ERROR",
            # Plain HTTP on loopback: no redirect to HTTPS.
            SECURE_SSL_REDIRECT="0",
        )
        if args.db == "postgres":
            env["DATABASE_URL"] = args.postgres_url
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.dir / 'db.sqlite3'}"
        if not args.no_redis:
            env["REDIS_URL"] = f"redis://{args.redis_host}/{args.redis_db}"
        self.env = env

    def manage(self, *command, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def prepare(self):
        if self.args.db == "postgres":
            recreate_postgres(self.args.postgres_url)
        if "REDIS_URL" in self.env:
            import redis

            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        timings = {}
        load, *_ = CONTENT[self.args.content]
        if self.args.content == "large":
            load = [*load, "--scale", str(self.args.scale)]
        for name, command in [
            ("migrate", ["migrate", "--noinput"]),
            ("load", load),
            ("collectstatic", ["collectstatic", "--noinput"]),
        ]:
            started = time.monotonic()
            self.manage(*command)
            timings[name] = time.monotonic() - started
            log(f"{' '.join(command)}: {timings[name]:.1f} s")
        return timings

    def start(self):
        self.process = subprocess.Popen(
            [GUNICORN, "-c", ROOT / "deploy" / "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.dir / "gunicorn.log").open("w"),
            start_new_session=True,  # its own process group, to stop its workers too
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.dir / 'gunicorn.log'}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("gunicorn did not start within 30 s")

    def middle_points(self):
        """The slugs of the published sticking point halfway down the home page and of
        the one after it."""
        code = (
            "from explainer.models import StickingPoint as S; "
            "points = list(S.objects.published().order_by('order', 'title')); "
            "middle = len(points) // 2; "
            "print(points[middle].slug, points[(middle + 1) % len(points)].slug)"
        )
        return self.manage("shell", "-c", code).stdout.strip().splitlines()[-1].split()

    def static_path(self, name):
        manifest = json.loads((self.dir / "static" / "staticfiles.json").read_text())
        return "/static/" + manifest["paths"][name]

    def start_nginx(self, http_port, https_port=None):
        """nginx rendered from deploy/nginx.conf in front of gunicorn: plain HTTP on
        `http_port`, or with `https_port` TLS (self-signed) and HTTP redirecting.
        Returns the certificate's path with TLS."""
        conf_dir = self.dir / "nginx"
        conf_dir.mkdir(exist_ok=True)
        conf = conf_dir / "nginx.conf"
        tls = ["--https-listen", f"127.0.0.1:{https_port}", "--self-signed"] if https_port else []
        subprocess.run(
            [sys.executable, ROOT / "deploy" / "render_nginx.py", "--out", conf,
             "--http-listen", f"127.0.0.1:{http_port}", *tls,
             "--upstream", f"127.0.0.1:{self.port}", "--server-name", "localhost 127.0.0.1",
             "--user", getpass.getuser()],
            check=True, capture_output=True,
        )  # fmt: skip
        self.nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-p", conf_dir, "-c", conf,
             "-e", conf_dir / "error.log", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.nginx.poll() is not None:
                raise SystemExit(f"nginx did not start; see {conf_dir / 'error.log'}")
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                return conf_dir / "selfsigned.crt" if https_port else None
            except OSError:
                time.sleep(0.1)
        raise SystemExit("nginx did not start within 10 s")

    def stop(self):
        """Quick shutdown (SIGINT), then SIGKILL for gunicorn and its workers, which
        may be busy rendering requests wrk left behind."""
        if self.nginx and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def clean_up(self):
        if self.args.db == "postgres" and not self.args.keep:
            drop_postgres(self.args.postgres_url)
        if self.args.keep:
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def _admin_connection(url):
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    return psycopg.connect(admin, autocommit=True, connect_timeout=5), name


def recreate_postgres(url):
    from psycopg import sql

    connection, name = _admin_connection(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres(url):
    from psycopg import sql

    connection, name = _admin_connection(url)
    with connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def fetch(base, path):
    """GET `path` on a fresh connection: (status, body bytes, seconds to the last byte)."""
    parts = urllib.parse.urlsplit(base)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, time.perf_counter() - started


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(url, args):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    p99 = completed and re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    ) + sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    return {
        "completed": completed,
        "rps": rate,
        "p99_ms": float(p99.group(1)) * UNITS[p99.group(2)] if p99 else None,
        "errors": errors,
    }


def settle(server, path, quick=0.25, patience=300):
    """Wait until the workers are idle again: when wrk stops, connections it leaves
    behind still queue requests that the workers render before anything else."""
    started = time.monotonic()
    while time.monotonic() - started < patience:
        try:
            if fetch(server.base, path)[2] < quick:
                break
        except OSError:  # timed out behind them, or a worker was restarted
            continue
    waited = time.monotonic() - started
    if waited > 1:
        log(f"  waited {waited:.0f} s for requests left behind")


def alone(server, path, times=3):
    """Median time of a request with nothing else running, in ms."""
    seconds = []
    for _ in range(times):
        seconds.append(fetch(server.base, path)[2])
        if seconds[-1] > 5:
            break
    return statistics.median(seconds) * 1000


def measure_pages(server, paths, args):
    runs = {page: [] for page in paths}
    for round_number in range(args.rounds):
        # Rotate the order each round; the static file runs in every round.
        order = PAGES[round_number % len(PAGES) :] + PAGES[: round_number % len(PAGES)]
        for page in order:
            result = wrk(server.base + paths[page], args)
            runs[page].append(result)
            log(
                f"round {round_number + 1} {page}: {result['rps']:.1f} req/s, "
                f"p99 {result['p99_ms']} ms, errors {result['errors']}"
            )
            settle(server, paths["static"])
    figures = {}
    for page in PAGES:
        ratios = [
            run["rps"] / static["rps"]
            for run, static in zip(runs[page], runs["static"], strict=True)
            if static["rps"]
        ]
        p99s = [run["p99_ms"] for run in runs[page] if run["p99_ms"] is not None]
        figures[page] = {
            "rps": statistics.median(run["rps"] for run in runs[page]),
            "ratio": statistics.median(ratios) if ratios else 0.0,
            "p99_ms": statistics.median(p99s) if p99s else None,
            "errors": sum(run["errors"] for run in runs[page]),
            "completed": sum(run["completed"] for run in runs[page]),
            "runs": runs[page],
        }
    return figures


def measure_edits(server, path, slug, other, args):
    """Save the point in another process, then time the first request of its page (which
    the save renders ahead when SITE_URL is set), a second one for comparison, and the
    first request of another sticking point's page, which every edit leaves to be
    rendered from scratch."""
    editor = subprocess.Popen(
        [sys.executable, "manage.py", "bench_edit", slug],
        cwd=ROOT,
        env=server.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    first, again, cold = [], [], []
    try:
        for _ in range(args.edits):
            editor.stdin.write("\n")
            editor.stdin.flush()
            if editor.stdout.readline().strip() != "saved":
                raise SystemExit("bench_edit stopped answering")
            status, _, seconds = fetch(server.base, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status} after an edit")
            first.append(seconds * 1000)
            again.append(fetch(server.base, path)[2] * 1000)
            status, _, seconds = fetch(server.base, other)
            if status != 200:
                raise SystemExit(f"{other} answered {status} after an edit")
            cold.append(seconds * 1000)
    finally:
        editor.stdin.close()
        editor.wait(timeout=30)
    return {
        "first_median_ms": statistics.median(first),
        "first_p90_ms": statistics.quantiles(first, n=10)[-1],
        "again_median_ms": statistics.median(again),
        "first_ms": first,
        "cold_median_ms": statistics.median(cold),
        "cold_p90_ms": statistics.quantiles(cold, n=10)[-1],
        "cold_ms": cold,
    }


def describe(server, args):
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    content = args.content if args.content == "seed" else f"large (scale {args.scale:g})"
    cache = "locmem" if args.no_redis else f"Redis db {args.redis_db}"
    return (
        f"{datetime.date.today()}, commit {commit}, content: {content}, database: {args.db}, "
        f"cache: {cache}, gunicorn: {args.workers} sync workers"
        f"{' behind nginx' if args.nginx else ''}, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s x {args.rounds} rounds, "
        f"{os.cpu_count()} CPUs"
    )


def table(header, figures, edits, paths, sizes, single, duration):
    def ms(value):
        return "–" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"

    lines = [
        header,
        "",
        "| page | path | size (KB) | alone (ms) | req/s | vs static | p99 (ms) | errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for page in PAGES:
        f = figures[page]
        path = paths[page] if len(paths[page]) <= 40 else paths[page][:37] + "…"
        # None finished within a run: fewer than one per run's duration.
        rps = f"{f['rps']:.1f}" if f["completed"] else f"< {1 / duration:.1g}"
        lines.append(
            f"| {page} | `{path}` | {sizes[page] / 1024:.1f} | {ms(single[page])} | "
            f"{rps} | {f['ratio']:.3g} | {ms(f['p99_ms'])} | {f['errors']} |"
        )
    lines += [
        "",
        f"Right after an edit (sticking point saved in another process, {len(edits['first_ms'])} "
        f"times): its page's first request median {ms(edits['first_median_ms'])} ms, "
        f"p90 {ms(edits['first_p90_ms'])} ms (rendered ahead by the save); the request after "
        f"it: median {ms(edits['again_median_ms'])} ms; another sticking point's page, "
        f"rendered from scratch: median {ms(edits['cold_median_ms'])} ms, "
        f"p90 {ms(edits['cold_p90_ms'])} ms.",
    ]
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    _, query = CONTENT[args.content]
    server = Server(args)
    log(f"working in {server.dir}")
    try:
        server.prepare()
        server.start()
        if args.nginx:
            server.start_nginx(server.public_port)
        slug, other_slug = server.middle_points()
        point = f"/points/{slug}/"
        paths = {
            "static": server.static_path("css/site.css"),
            "home": "/",
            "point": point,
            "timeline": "/timeline/",
            "search": "/search/?" + urllib.parse.urlencode({"q": query}),
            "search, rendered": "/search/?" + urllib.parse.urlencode({"q": query, "bench": 1}),
            "embed": f"/embed/points/{slug}/",
            "oembed": "/oembed/?"
            + urllib.parse.urlencode({"url": server.base + point, "format": "json"}),
            "offers": "/offers/",
            "changes": "/changes/",
            "feed": "/changes/feed.atom",
            "data": "/data/explainer.json",
            "share image": f"{point}share.png",
        }
        sizes = {}
        for page, path in paths.items():
            status, body, seconds = fetch(server.base, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}; not measuring")
            sizes[page] = len(body)
            log(f"{page} {path}: {len(body)} bytes, first request {seconds * 1000:.0f} ms")
        single = {page: alone(server, path) for page, path in paths.items()}
        log("alone: " + ", ".join(f"{page} {ms:.0f} ms" for page, ms in single.items()))
        figures = measure_pages(server, paths, args)
        edits = measure_edits(server, point, slug, f"/points/{other_slug}/", args)
    finally:
        server.stop()
        server.clean_up()
    report = table(describe(server, args), figures, edits, paths, sizes, single, args.duration)
    print(report)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "pages": figures,
                    "alone_ms": single,
                    "edits": edits,
                    "paths": paths,
                    "sizes": sizes,
                }
            )
        )


if __name__ == "__main__":
    main()
