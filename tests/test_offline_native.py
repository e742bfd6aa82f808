"""The offline promise checked where a Python socket guard cannot see: every system call of the process tree.

ONNX Runtime's telemetry runs in native threads, so `index` (with the fast encoder's preparation),
`search`, `classify` and `ask` run here under `strace -f`, and any connect or datagram to a non-loopback
address, any DNS query (port 53, or the name-service cache's socket) fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

STRACE = shutil.which("strace")
_INET = re.compile(r'sin6?_port=htons\((\d+)\).*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')
_LOOPBACK = re.compile(r"^(127\.|::1$|::ffff:127\.)")
_NAME_SERVICE = ("/var/run/nscd/socket", "/run/nscd/socket", "/run/systemd/resolve/io.systemd.Resolve")


def network_attempts(trace: str) -> list[str]:
    """The lines of an `strace -e trace=connect,sendto,sendmsg` log that would reach beyond this machine."""
    found = []
    for line in trace.splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        if any(path in line for path in _NAME_SERVICE):
            # the name-service cache also answers user lookups (getpass, with no USER set): only a reachable one
            # could have resolved a host name; glibc's own DNS query shows as port 53 below
            if "= -1 " not in line:
                found.append(line)
            continue
        match = _INET.search(line)
        if match is None:
            continue
        port, address = int(match.group(1)), match.group(2) or match.group(3)
        if port == 53 or not _LOOPBACK.match(address):
            found.append(line)
    return found


def test_the_parser_tells_loopback_from_the_network() -> None:
    trace = (
        '1 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0\n'
        '2 connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n'
        '3 connect(3, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("20.1.2.3")}, 16) = 0\n'
        '4 connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0),'
        ' inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
        '5 connect(5, {sa_family=AF_INET6, sin6_port=htons(80), inet_pton(AF_INET6, "::1", &sin6_addr)}, 28) = 0\n'
        '6 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = 0\n'
        '8 connect(4, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)\n'
        '7 connect(4, {sa_family=AF_UNIX, sun_path="/tmp/.X11-unix/X0"}, 20) = 0\n'
    )
    assert [line.split()[0] for line in network_attempts(trace)] == ["1", "3", "4", "6"]


def test_the_parser_sees_what_a_real_lookup_does(tmp_path: Path) -> None:
    """The check itself must fail on a lookup, or a clean run proves nothing."""
    if STRACE is None:
        pytest.fail("strace is not installed: `apt-get install strace` (the README's test command needs it)")
    log = tmp_path / "trace"
    code = "import socket\ntry:\n    socket.getaddrinfo('example.com', 443)\nexcept OSError:\n    pass\n"
    subprocess.run([STRACE, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log), sys.executable, "-c", code],
                   check=True, timeout=60)
    assert network_attempts(log.read_text())


@pytest.mark.parametrize("steps", [("index", "search", "classify", "ask")])
def test_no_command_reaches_the_network_from_python_or_native_code(steps, tmp_path: Path, tiny_blip2: Path,
                                                                   product_photos: Path, gemma_gguf: Path) -> None:
    if STRACE is None:
        pytest.fail("strace is not installed: `apt-get install strace` (the README's test command needs it)")
    photos = tmp_path / "photos"
    shutil.copytree(product_photos / "shoes", photos / "shoes")
    shutil.copytree(product_photos / "pants", photos / "pants")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ORT_", "HF_", "TRANSFORMERS_"))}
    env.update(HOME=str(tmp_path / "home"), FASHION_ASSISTANT_DATA_DIR=str(tmp_path / "data"))
    commands = {
        "index": ["index", str(photos), "--blip2", str(tiny_blip2)],  # the fast encoder is prepared here
        "search": ["search", "red shoes"],
        "classify": ["classify", "something for a beach wedding"],  # the keywords cannot read it: the model runs
        "ask": ["ask", "two pairs of shoes"],
    }
    for step in steps:
        log = tmp_path / f"{step}.trace"
        run = subprocess.run(
            [STRACE, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
             sys.executable, "-m", "desktop_app.cli", *commands[step]],
            env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=900,
        )
        assert run.returncode == 0, f"{step}: {run.stderr[-2000:]}"
        attempts = network_attempts(log.read_text())
        assert not attempts, f"{step} tried to reach the network:\n" + "\n".join(attempts[:10])
