"""Real processes for the tests that need them: a throwaway PostgreSQL cluster that can
be stopped or frozen, and gunicorn serving the site from it as in production."""

import contextlib
import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def initdb():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]) if found else None


def as_postgres(*command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return list(map(str, command))


class Cluster:
    """A PostgreSQL server of our own, in a temporary folder, on its own port."""

    def __init__(self):
        # Not under pytest's folders: PostgreSQL runs as its own user, which may not
        # enter them.
        self.folder = Path(tempfile.mkdtemp(prefix="explainer-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.bin = initdb().parent
        self.frozen = []

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/explainer"

    def create(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(
            as_postgres(
                self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            ),
            check=True, capture_output=True,
        )  # fmt: skip
        self.start()
        subprocess.run(
            [self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "explainer"],
            check=True,
        )  # fmt: skip

    def start(self):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        subprocess.run(
            as_postgres(
                self.bin / "pg_ctl", "-D", self.data, "-w", "-l", self.folder / "log",
                "-o", options, "start",
            ),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self):
        subprocess.run(
            as_postgres(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "stop"),
            check=True, capture_output=True,
        )  # fmt: skip

    def freeze(self):
        """The server stops answering, its sockets open: a hung database."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True
        ).stdout.split()
        self.frozen = [postmaster, *map(int, children)]
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self):
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def destroy(self):
        self.thaw()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def production_env(database_url, **extra):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "outage-tests-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATICFILES_BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "explainer.settings",
    }
    env.pop("REDIS_URL", None)
    return {**env, **extra}


def manage(env, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip


class Server:
    """gunicorn with sync workers, as the production setup runs it."""

    def __init__(self, env, folder, workers=1):
        self.port = free_port()
        self.log = Path(folder) / f"gunicorn-{self.port}.log"
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"), "explainer.wsgi",
                "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "30", "--no-control-socket",
            ],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError):
                if self.get("/healthz").status == 200:
                    break
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def get(self, path, headers=None):
        """The response, read whole, with `body` and how many `seconds` it took."""
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
            response = connection.getresponse()
            response.body = response.read()
        finally:
            connection.close()
        response.seconds = time.monotonic() - started
        return response

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
