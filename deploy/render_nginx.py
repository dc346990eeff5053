#!/usr/bin/env python3
"""Render deploy/nginx.conf for one machine: fill in its ${NAMES} and keep either its
plain-HTTP or its TLS server blocks.

    python deploy/render_nginx.py --out /etc/nginx/explainer.conf \\
        --http-listen 80 --https-listen 443 --server-name explainer.example \\
        --tls-cert /etc/ssl/explainer.pem --tls-key /etc/ssl/explainer.key
    nginx -c /etc/nginx/explainer.conf

With --https-listen, plain HTTP only redirects to HTTPS; --self-signed makes a
certificate for a test (needs openssl). Without it, plain HTTP serves the site.
Standard library only.
"""

import argparse
import getpass
import os
import re
import subprocess
import sys
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATE = DEPLOY_DIR / "nginx.conf"
NAME_RE = re.compile(r"\$\{([A-Z_]+)\}")


def render(template, values, *, tls):
    """`template` with ${NAMES} replaced and only the blocks for `tls` kept."""
    kept = []
    keep = True
    for line in template.splitlines(keepends=True):
        marker = line.strip()
        if marker in ("# if tls", "# if not tls"):
            keep = (marker == "# if tls") == tls
            continue
        if marker == "# end":
            keep = True
            continue
        if keep:
            kept.append(line)
    text = "".join(kept)
    missing = sorted(set(NAME_RE.findall(text)) - set(values))
    if missing:
        raise SystemExit(f"render_nginx: no value for {', '.join(missing)}")
    return NAME_RE.sub(lambda m: str(values[m.group(1)]), text)


def self_signed(directory, name):
    cert, key = directory / "selfsigned.crt", directory / "selfsigned.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the nginx.conf to write")
    parser.add_argument(
        "--upstream",
        default="127.0.0.1:8001",
        help="gunicorn's address: HOST:PORT or unix:/path (default %(default)s)",
    )
    parser.add_argument("--http-listen", default="80", help="[ADDRESS:]PORT (default 80)")
    parser.add_argument("--https-listen", help="[ADDRESS:]PORT for TLS; off when not given")
    parser.add_argument("--server-name", default="_", help="host names (default: any)")
    parser.add_argument("--tls-cert", type=Path)
    parser.add_argument("--tls-key", type=Path)
    parser.add_argument(
        "--self-signed",
        action="store_true",
        help="make a throwaway certificate beside --out (tests only)",
    )
    parser.add_argument(
        "--run-dir", type=Path, help="pid file and temporary files (default: beside --out)"
    )
    parser.add_argument("--log-dir", type=Path, help="error log (default: --run-dir)")
    parser.add_argument(
        "--access-log",
        default="off",
        help="a path, or off (default: off; gunicorn logs no access either)",
    )
    parser.add_argument(
        "--user",
        default=None,
        help="user for nginx's workers when started as root "
        "(default: www-data, or the current user outside root)",
    )
    parser.add_argument("--mime-types", default="/etc/nginx/mime.types")
    args = parser.parse_args(argv)  # fmt: skip

    out = args.out.resolve()
    run_dir = (args.run_dir or out.parent).resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    tls = bool(args.https_listen)
    cert, key = args.tls_cert, args.tls_key
    if tls and args.self_signed:
        cert, key = self_signed(out.parent, "localhost")
    if tls and not (cert and key):
        parser.error("--https-listen needs --tls-cert and --tls-key, or --self-signed")
    https_port = (args.https_listen or "443").rsplit(":", 1)[-1]
    values = {
        "USER": args.user or ("www-data" if os.geteuid() == 0 else getpass.getuser()),
        "RUN_DIR": run_dir,
        "LOG_DIR": (args.log_dir or run_dir).resolve(),
        "ACCESS_LOG": args.access_log,
        "MIME_TYPES": args.mime_types,
        "UPSTREAM": args.upstream,
        "HTTP_LISTEN": args.http_listen,
        "HTTPS_LISTEN": args.https_listen or "",
        "HTTPS_PORT_SUFFIX": "" if https_port == "443" else f":{https_port}",
        "SERVER_NAME": args.server_name,
        "TLS_CERT": cert.resolve() if cert else "",
        "TLS_KEY": key.resolve() if key else "",
        "DEPLOY_DIR": DEPLOY_DIR,
    }
    out.write_text(render(TEMPLATE.read_text(), values, tls=tls))
    print(out)


if __name__ == "__main__":
    sys.exit(main())
