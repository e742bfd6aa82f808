"""The offline guarantee: at run time the hub libraries are told they are offline, and a socket guard
refuses anything that would leave this machine.

Two layers, because either alone can be doubted. The environment variables (and huggingface-hub's
already-imported constant) make transformers and huggingface-hub use only local files and never try
the network. The guard is an audit hook (PEP 578): it sees every `socket.getaddrinfo`, `connect`,
`sendto` and `bind` made through Python's socket module, including from sockets and clients created
before it was switched on, and refuses any that names a host other than this machine. "No socket is
opened" therefore means: no name is looked up and no connection, datagram or listening port reaches
beyond loopback. Loopback stays allowed because nothing leaves the machine that way and some
platforms build `socket.socketpair()` on it (Windows). Native code that calls the C library's
`connect()` directly is outside any Python hook; none of our run-time dependencies does so once the
hub libraries are offline.

Every refusal is logged, kept in `blocked_attempts()`, and appended to the file named by
FASHION_ASSISTANT_NETWORK_LOG when set, so a test can prove a child process tried nothing even when
a library swallowed the error.

Only downloading a model reaches out. `models download` is a one-purpose process and turns the guard
off (`allow_network`). The window never does: a download there runs inside `network_allowed_for(hosts)`,
a permission held by the download's own thread (a context variable, which the audit hook reads in the
thread that makes the call), so every other thread stays refused and the hub libraries stay offline.
The download talks to the hub through its own HTTP client, not huggingface-hub's shared session,
which keeps refusing because the hub's offline constant stays set.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from desktop_app.core.platform.errors import UserError
from desktop_app.core.platform.i18n import _

log = logging.getLogger(__name__)

NETWORK_LOG_ENV = "FASHION_ASSISTANT_NETWORK_LOG"
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "DO_NOT_TRACK": "1",
}
_LOOKUP_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}
_ADDRESS_EVENTS = {"socket.connect", "socket.sendto", "socket.bind"}
_INET_FAMILIES = {socket.AF_INET, socket.AF_INET6}
_TRUE = {"1", "ON", "YES", "TRUE"}
# The hosts the current thread (or task) may reach; None outside `network_allowed_for`.
_permission: ContextVar[frozenset[str] | None] = ContextVar("fashion_assistant_network_permission", default=None)


class NetworkBlockedError(UserError, ConnectionRefusedError):
    """Something tried to reach the network while the app is offline.

    Also a ConnectionRefusedError, so a library that copes with having no connection degrades the
    way it would on a plane instead of crashing; the attempt is recorded either way.
    """


class _Guard:
    def __init__(self) -> None:
        self.active = False
        self.installed = False
        self.blocked: list[str] = []
        self.lock = threading.Lock()
        self.saved_env: dict[str, str | None] | None = None


_guard = _Guard()


def _host_name(host: Any) -> str:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return str(host).rstrip(".").lower()


def _is_local_host(host: Any) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port) resolves this machine's wildcard for binding; no lookup
    name = _host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _refusal(event: str, args: tuple[Any, ...]) -> str | None:
    """What an audited socket event would reach, when that is beyond this machine; None when it is local."""
    if event in _LOOKUP_EVENTS:
        return None if _is_local_host(args[0]) else f"{event} {args[0]!r}"
    sock, address = args[0], args[1]
    if getattr(sock, "family", None) not in _INET_FAMILIES or not isinstance(address, tuple) or not address:
        return None  # AF_UNIX and friends stay on this machine
    if event == "socket.bind" and address[0] in ("", "0.0.0.0", "::"):
        return f"{event} {address!r} (listening on every interface)"
    return None if _is_local_host(address[0]) else f"{event} {address!r}"


def _permitted(event: str, args: tuple[Any, ...]) -> bool:
    """Inside `network_allowed_for`: a lookup of one of its hosts (or a sub-domain), and the connection that follows.

    A connection names an address, not a host, so any address is allowed from inside the block; what
    keeps it to the hub is that only the block's hosts may be looked up. Listening and datagrams stay refused.
    """
    hosts = _permission.get()
    if hosts is None:
        return False
    if event in _LOOKUP_EVENTS:
        name = _host_name(args[0])
        return any(name == host or name.endswith("." + host) for host in hosts)
    return event == "socket.connect"


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _guard.active or not event.startswith("socket."):
        return
    if event not in _LOOKUP_EVENTS and event not in _ADDRESS_EVENTS:
        return
    what = _refusal(event, args)
    if what is None or _permitted(event, args):
        return
    with _guard.lock:
        _guard.blocked.append(what)
    log.warning("Offline: refused %s", what)
    log_file = os.environ.get(NETWORK_LOG_ENV)
    if log_file:
        with open(log_file, "a", encoding="utf-8") as handle:
            handle.write(what + "\n")
    raise NetworkBlockedError(
        _("The app is offline and refused a network connection."),
        _("Only downloading a model (in the Models window or with `fashion-assistant models download`) uses the network;"
          " please report what you were doing."),
        what,
    )


def enforce_offline() -> None:
    """Switch the hub libraries offline and the socket guard on, for the rest of the process."""
    if _guard.saved_env is None:
        _guard.saved_env = {name: os.environ.get(name) for name in OFFLINE_ENV}
    os.environ.update(OFFLINE_ENV)
    _set_hub_constant(True)
    if not _guard.installed:
        sys.addaudithook(_audit)  # hooks cannot be removed, so `active` is what switches it
        _guard.installed = True
    _guard.active = True


def allow_network() -> None:
    """Undo `enforce_offline` for the whole process (`models download`): the guard off, the user's own environment restored."""
    _guard.active = False
    if _guard.saved_env is not None:
        for name, value in _guard.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _guard.saved_env = None
    _set_hub_constant(user_chose_hub_offline())


@contextmanager
def network_allowed_for(hosts: Iterable[str]) -> Iterator[None]:
    """Let the calling thread look up `hosts` (and their sub-domains) and connect, until the block ends.

    Every other thread, and this one after the block, stays refused; nothing process-wide changes,
    so the hub libraries stay offline too. With the guard off (`allow_network`) there is nothing to lift.
    """
    token = _permission.set(frozenset(_host_name(host) for host in hosts))
    try:
        yield
    finally:
        _permission.reset(token)


def user_chose_hub_offline() -> bool:
    """HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE set by the user, not by this guard: a download honours the user's choice."""
    saved = _guard.saved_env
    environment = saved if saved is not None else os.environ
    value = environment.get("HF_HUB_OFFLINE") or environment.get("TRANSFORMERS_OFFLINE") or ""
    return value.upper() in _TRUE


def is_offline() -> bool:
    return _guard.active


def blocked_attempts() -> tuple[str, ...]:
    with _guard.lock:
        return tuple(_guard.blocked)


def _set_hub_constant(offline: bool) -> None:
    """huggingface-hub reads HF_HUB_OFFLINE once, at import; transformers asks it through `is_offline_mode()`."""
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        constants.HF_HUB_OFFLINE = offline
