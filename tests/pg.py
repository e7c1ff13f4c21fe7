"""A real PostgreSQL server for the tests: Debian's ``postgresql`` package (``initdb`` + ``pg_ctl``).

The cluster lives in a temporary directory, listens on 127.0.0.1 and a free port
only (its socket in that directory too), trusts local connections, and is run by
an unprivileged user: ``initdb`` refuses to run as root, and tests run as root here
and in CI, so as root every server command goes through ``runuser -u nobody``.
"""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("DNN_LAB_PG_BIN", "/usr/lib/postgresql/15/bin"))
USER = "nobody"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """``with PostgresServer() as pg: pg.create_database("x") -> URL``."""

    def __init__(self):
        if not (BIN / "initdb").exists():
            raise RuntimeError(f"PostgreSQL server binaries not found in {BIN} (apt-get install postgresql)")
        self.dir = Path(tempfile.mkdtemp(prefix="dnn-lab-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            import pwd
            entry = pwd.getpwnam(USER)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)

    def _run(self, *cmd):
        argv = [str(BIN / cmd[0]), *map(str, cmd[1:])]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", USER, "--", *argv]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self.dir)
        if proc.returncode != 0:
            log = self.dir / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}\n{tail}")
        return proc

    def start(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        self.resume()
        return self

    def resume(self):
        """Start the server (again, after :meth:`halt`), on the same port with the same data."""
        self._run("pg_ctl", "-D", self.data, "-l", self.dir / "server.log", "-w", "-t", "60", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                  f"-c max_connections=100", "start")

    def halt(self):
        """Stop the server, keeping its data (an outage: :meth:`resume` brings it back)."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def stop(self):
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database="postgres"):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name):
        """CREATE DATABASE name; returns its SQLAlchemy URL."""
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
