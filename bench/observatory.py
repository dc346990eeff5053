"""MDN HTTP Observatory grades for the production setup, over TLS, on this machine.

Run it as `bench/observatory`. It installs @mdn/mdn-http-observatory (pinned, with
--ignore-scripts: its postinstall downloads a CA bundle) into a cache folder outside
the repository, serves the seed with deploy/gunicorn.conf.py behind nginx rendered from
deploy/nginx.conf with a throwaway self-signed certificate, and scans a few pages with
a copy of the Observatory's scanner that accepts ports and a path (its command line
takes only a host name). The certificate is trusted for the scan only
(NODE_EXTRA_CA_CERTS).

Nothing here changes what the site sends: it reports grades and failing tests.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import Server, free_port, log  # noqa: E402

PACKAGE = "@mdn/mdn-http-observatory"
VERSION = "1.4.8"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "explainer-observatory"
SCANNER = Path(__file__).resolve().parent / "observatory-scan.mjs"


def install():
    """The Observatory in the cache folder, once; returns its package folder."""
    package = CACHE / "node_modules" / PACKAGE
    installed = package / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != VERSION:
        if not shutil.which("npm"):
            raise SystemExit("npm is needed (apt-get install nodejs npm)")
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"installing {PACKAGE}@{VERSION} into {CACHE}")
        subprocess.run(
            ["npm", "install", "--prefix", str(CACHE), "--ignore-scripts", "--no-audit",
             "--no-fund", f"{PACKAGE}@{VERSION}"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    preload = package / "conf" / "hsts-preload.json"
    if not preload.exists():
        # Normally downloaded by the postinstall script; empty, no site is preloaded.
        preload.parent.mkdir(exist_ok=True)
        preload.write_text("{}")
    # Inside the package, so the copy's relative imports reach the real modules.
    shutil.copy(SCANNER, package / "src" / "scanner" / "local-scan.mjs")
    return package


def scan(package, cert, http_port, https_port, path):
    result = subprocess.run(
        ["node", package / "src" / "scanner" / "local-scan.mjs", "localhost", str(http_port),
         str(https_port), path],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(cert)},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode:
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:]}
    return json.loads(result.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/observatory", description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the full results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    package = install()
    https_port, http_port = free_port(), free_port()
    options = argparse.Namespace(
        content="seed", scale=1.0, db="sqlite", no_redis=True, workers=2, keep=args.keep
    )  # nginx is started below, with TLS
    server = Server(options)
    server.env.update(
        ALLOWED_HOSTS="localhost,127.0.0.1",
        SITE_URL=f"https://localhost:{https_port}",
        CSRF_TRUSTED_ORIGINS=f"https://localhost:{https_port}",
        BEHIND_HTTPS_PROXY="1",
        PROXY_COUNT="1",
    )
    results = {}
    try:
        server.prepare()
        server.start()
        slug = server.middle_points()[0]
        cert = server.start_nginx(http_port, https_port)
        for path in ["/", f"/points/{slug}/", f"/embed/points/{slug}/", "/admin/login/"]:
            results[path] = scan(package, cert, http_port, https_port, path)
            log(f"scanned {path}")
    finally:
        server.stop()
        server.clean_up()
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def report(results):
    lines = [
        f"MDN HTTP Observatory {VERSION}, over TLS (nginx, self-signed certificate trusted "
        "for the scan), seed content",
        "",
        "| page | grade | score | tests passed | failing tests |",
        "|---|---|--:|--:|---|",
    ]
    for path, result in results.items():
        if "error" in result:
            lines.append(f"| `{path}` | error | | | {' '.join(result['error'])} |")
            continue
        summary = result["scan"]
        failing = [
            f"{name} ({test['result']}, {test['scoreModifier']:+d})"
            for name, test in result["tests"].items()
            if not test["pass"]
        ]
        lines.append(
            f"| `{path}` | {summary['grade']} | {summary['score']} | "
            f"{summary['testsPassed']}/{summary['testsQuantity']} | {'; '.join(failing) or '–'} |"
        )
    lines.append("")
    for path, result in results.items():
        for name, test in result.get("tests", {}).items():
            if test["scoreModifier"] != 0 or not test["pass"]:
                lines.append(f"- `{path}` {name}: {test['result']} ({test['scoreModifier']:+d})")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
