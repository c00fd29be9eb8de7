"""Parts of a second deployment put out of its reach, without touching the shared servers.

A database cut off is a relay: the second deployment reaches the shared PostgreSQL through it
(so that it can start, which needs its database), and once it serves, the relay is cut: its
connections close and new ones are refused. Redis out of reach needs no relay, because the
service only connects to Redis when asked: its URL names a socket that does not exist.

The relay is a few lines of sockets and threads: a fault-injecting proxy such as Toxiproxy is a
separate server program to install and run, for one "cut" that this does in-process.
"""

from __future__ import annotations

import contextlib
import socket
import tempfile
import threading
import uuid
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo


def redis_out_of_reach() -> str:
    """A Redis URL nothing answers on: a socket path in a folder that does not exist."""
    return f"unix://{Path(tempfile.gettempdir(), f'mps-no-redis-{uuid.uuid4().hex}', 'redis.sock')}"


class DatabaseRelay:
    """Relays connections to a PostgreSQL server until it is cut."""

    def __init__(self, database_url: str) -> None:
        params = conninfo_to_dict(database_url)
        host = params.get("host") or "localhost"
        port = int(params.get("port") or 5432)
        if host.startswith("/"):  # a folder holding the server's unix socket
            self._family, self._address = socket.AF_UNIX, f"{host}/.s.PGSQL.{port}"
        else:
            self._family, self._address = socket.AF_INET, (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._cut = False
        self.database_url = make_conninfo(
            database_url, host="127.0.0.1", port=str(self._listener.getsockname()[1])
        )
        threading.Thread(target=self._accept, name="database-relay", daemon=True).start()

    def cut(self) -> None:
        """Close every relayed connection and refuse new ones."""
        with self._lock:
            self._cut = True
            sockets, self._open = [self._listener, *self._open], set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # cut
            server = socket.socket(self._family, socket.SOCK_STREAM)
            try:
                server.connect(self._address)
            except OSError:
                client.close()
                server.close()
                continue
            with self._lock:
                if self._cut:
                    client.close()
                    server.close()
                    return
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
