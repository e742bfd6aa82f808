"""A tiny stand-in for the Hugging Face Hub on 127.0.0.1: the part of its HTTP API that huggingface-hub 2.4.0
calls for `model_info(files_metadata=True)` and `hf_hub_url` downloads, plus the faults real networks have.

Routes: `GET /api/models/{repo}/revision/{rev}` (the commit, and each file's size, git blob id and, for
LFS files, sha256), and `HEAD`/`GET /{repo}/resolve/{rev}/{path}` with Range support and the headers
the hub sends (X-Repo-Commit, ETag, X-Linked-Etag/X-Linked-Size for LFS files). Faults, each set per
file by a test: drop the connection after N bytes (once), flip a byte (every time), ignore Range.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".gguf", ".safetensors", ".bin")


@dataclass
class FakeRepo:
    repo_id: str
    files: dict[str, bytes]
    commit: str

    def is_lfs(self, path: str) -> bool:
        return path.endswith(LFS_SUFFIXES)

    def sibling(self, path: str) -> dict:
        data = self.files[path]
        entry = {"rfilename": path, "size": len(data), "blobId": git_blob_id(data)}
        if self.is_lfs(path):
            entry["lfs"] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(), "pointerSize": 134}
        return entry


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class FakeHub:
    repos: dict[str, FakeRepo] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, Range header
    drop_after: dict[str, int] = field(default_factory=dict)  # file -> bytes sent before the connection drops (once)
    corrupt: set[str] = field(default_factory=set)
    ignore_range: bool = False
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def add_repo(self, repo_id: str, files: dict[str, bytes]) -> FakeRepo:
        commit = hashlib.sha1(repo_id.encode() + b"".join(sorted(files.values()))).hexdigest()
        repo = FakeRepo(repo_id, dict(files), commit)
        self.repos[repo_id] = repo
        return repo

    def downloads(self, path_suffix: str = "") -> list[tuple[str, str, str | None]]:
        return [r for r in self.requests if r[0] == "GET" and "/resolve/" in r[1] and r[1].endswith(path_suffix)]

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                hub._handle(self, send_body=False)

            def do_GET(self) -> None:
                hub._handle(self, send_body=True)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -------------------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, send_body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        self.requests.append((handler.command, path, handler.headers.get("Range")))
        if path.startswith("/api/models/"):
            repo_id, _, _revision = path[len("/api/models/"):].partition("/revision/")
            repo = self.repos.get(repo_id)
            if repo is None:
                return self._send(handler, 404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}, send_body)
            body = json.dumps({"id": repo_id, "modelId": repo_id, "sha": repo.commit,
                               "siblings": [repo.sibling(p) for p in sorted(repo.files)]}).encode()
            return self._send(handler, 200, body, {"Content-Type": "application/json"}, send_body)
        for repo_id, repo in self.repos.items():
            prefix = f"/{repo_id}/resolve/"
            if path.startswith(prefix):
                _revision, _, file_path = path[len(prefix):].partition("/")
                if file_path in repo.files:
                    return self._send_file(handler, repo, file_path, send_body)
        return self._send(handler, 404, b"not found", {"X-Error-Code": "EntryNotFound"}, send_body)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str], send_body: bool) -> None:
        handler.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        if send_body:
            handler.wfile.write(body)

    def _send_file(self, handler: BaseHTTPRequestHandler, repo: FakeRepo, path: str, send_body: bool) -> None:
        data = repo.files[path]
        if path in self.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        etag = hashlib.sha256(data).hexdigest() if repo.is_lfs(path) else git_blob_id(data)
        headers = {"X-Repo-Commit": repo.commit, "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
        if repo.is_lfs(path):
            headers |= {"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(len(data))}
        start, status = 0, 200
        wanted = handler.headers.get("Range")
        if wanted and not self.ignore_range and handler.command == "GET":
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        drop = self.drop_after.pop(path, None) if send_body else None
        handler.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        if not send_body:
            return
        if drop is None:
            handler.wfile.write(body)
            return
        handler.wfile.write(body[:drop])  # then hang up mid-body, as a dropped Wi-Fi does
        handler.wfile.flush()
        handler.close_connection = True
