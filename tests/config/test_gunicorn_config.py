"""The shipped gunicorn configuration, and that every way of starting the app
uses it. Sync workers exposed directly let a few clients that send their
headers slowly stall the site: the live tests start gunicorn on a loopback
port, hold connections open by dribbling header lines, and time a plain GET.
"""

import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "config/gunicorn.conf.py"


def shipped() -> dict:
    return runpy.run_path(str(ROOT / CONFIG))


def test_it_uses_threaded_workers_with_timeouts_and_request_limits():
    config = shipped()

    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 4
    assert 0 < config["timeout"] <= 60
    assert 0 < config["graceful_timeout"] <= config["timeout"]
    assert config["limit_request_line"] <= 8190
    assert config["limit_request_fields"] <= 100
    assert config["limit_request_field_size"] <= 8190


def gunicorn_commands() -> dict[str, str]:
    commands = {
        "Dockerfile": (ROOT / "Dockerfile").read_text(),
        "docker-compose.yml": " ".join(
            yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"][
                "web"
            ]["command"]
        ),
    }
    for script in sorted((ROOT / ".ci").iterdir()):
        text = script.read_text()
        if "gunicorn config.wsgi" in text:
            commands[f".ci/{script.name}"] = text
    return commands


def test_every_way_of_starting_the_app_uses_the_shipped_config():
    commands = gunicorn_commands()

    assert {"Dockerfile", "docker-compose.yml", ".ci/live-server"} <= set(commands)
    for name, text in commands.items():
        joined = text.replace("\\\n", " ").replace('", "', " ")
        for start in re.finditer(r"gunicorn\"?,? \"?config\.wsgi", joined):
            line = joined[start.start() :].split("\n", 1)[0]
            assert f"--config {CONFIG}" in line.replace('"', ""), (name, line)


# --- live: slow clients against a real gunicorn ------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
        return response.status


class Server:
    """gunicorn on a loopback port with the shipped config, stopped on exit."""

    def __init__(self, tmp_path: Path, *options: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/accounts/login/"
        self.log = (tmp_path / "gunicorn.log").open("w")
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", CONFIG]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", *options],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn did not start"
            try:
                if get(self.url, timeout=2) == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.log.close()


class SlowClients:
    """Connections that send a request line, then one header line every half
    second for at most ``seconds``, never finishing their headers."""

    def __init__(self, port: int, count: int, seconds: float = 8.0):
        self.sockets = [
            socket.create_connection(("127.0.0.1", port), timeout=2)
            for _ in range(count)
        ]
        self.stop = threading.Event()
        self.seconds = seconds
        self.thread = threading.Thread(target=self._dribble, daemon=True)

    def _dribble(self):
        for sock in self.sockets:
            sock.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for line in range(int(self.seconds / 0.5)):
            if self.stop.wait(0.5):
                return
            for sock in self.sockets:
                try:
                    sock.sendall(f"X-Slow-{line}: x\r\n".encode())
                except OSError:
                    pass

    def __enter__(self):
        self.thread.start()
        time.sleep(1.0)  # the server has taken both connections by now
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


def test_it_answers_quickly_while_slow_clients_hold_connections(tmp_path):
    with Server(tmp_path) as server, SlowClients(server.port, count=2):
        started = time.monotonic()
        status = get(server.url, timeout=5)
        elapsed = time.monotonic() - started

    assert status == 200
    assert elapsed < 3


def test_a_single_sync_worker_would_stall_behind_one_slow_client(tmp_path):
    """The finding itself, for contrast: the old deployment's worker type."""
    with (
        Server(tmp_path, "--worker-class", "sync", "--threads", "1") as server,
        SlowClients(server.port, count=1),
    ):
        with pytest.raises(OSError):
            get(server.url, timeout=2)
