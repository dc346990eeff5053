"""gunicorn's settings for production: `gunicorn -c deploy/gunicorn.conf.py`.

Sync workers, each serving one request at a time, so they belong behind a proxy that
buffers whole requests and responses (deploy/nginx.conf): a slow client then ties up
nginx, which is built for it, never a worker.

Environment: WEB_CONCURRENCY (workers, default 2), GUNICORN_BIND (default
127.0.0.1:8001; `unix:/run/explainer/gunicorn.sock` for a socket), GUNICORN_ACCESS_LOG
(a path or `-` for stdout; off by default, nginx keeps the access log).
"""

import os
from pathlib import Path

wsgi_app = "explainer.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")]
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request still running after 30 s is killed with its worker; the settings keep the
# database's connect timeout well below this.
timeout = 30
graceful_timeout = 30

# gunicorn 27 opens a control socket under ~/.gunicorn/ that a second instance on the
# same machine takes over; nothing here uses it.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
