"""A small SMTP server of our own for tests that send through a real socket: it records each
accepted message per recipient, refuses chosen addresses (550), and can hang before answering
QUIT once (the window where the mail server has the mail but the sender has not recorded it)."""

from __future__ import annotations

import socketserver
import threading
from collections import Counter
from email import message_from_bytes


class MailServer:
    def __init__(self, *, refuse=(), hang_after_data_for=None):
        self.refuse = {address.lower() for address in refuse}
        self.hang_after_data_for = hang_after_data_for  # hang once, after this recipient's DATA
        self.received: Counter[str] = Counter()
        self.subjects: list[tuple[str, str]] = []
        self.hanging = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                server._session(self.rfile, self.wfile)

        class Threaded(socketserver.ThreadingMixIn, socketserver.TCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Threaded(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> MailServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _session(self, rfile, wfile) -> None:
        def reply(line: str) -> None:
            wfile.write((line + "\r\n").encode())
            wfile.flush()

        recipients: list[str] = []
        hang = False
        try:
            reply("220 test ESMTP")
            while line := rfile.readline():
                command = line.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 test")
                elif verb == "MAIL":
                    recipients = []
                    reply("250 OK")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].strip().strip("<>").lower()
                    if address in self.refuse:
                        reply("550 5.1.1 No such user here")
                    else:
                        recipients.append(address)
                        reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    data = b""
                    while (chunk := rfile.readline()) not in (b".\r\n", b""):
                        data += chunk
                    subject = str(message_from_bytes(data).get("Subject", ""))
                    with self._lock:
                        for address in recipients:
                            self.received[address] += 1
                            self.subjects.append((address, subject))
                        if self.hang_after_data_for in recipients:
                            self.hang_after_data_for = None
                            hang = True
                    reply("250 OK queued")
                elif verb == "QUIT":
                    if hang:
                        self.hanging.set()
                        self.release.wait(60)  # the sender is killed while waiting here
                        return
                    reply("221 Bye")
                    return
                elif verb == "RSET":
                    recipients = []
                    reply("250 OK")
                else:
                    reply("250 OK")
        except (TimeoutError, ConnectionError, OSError):
            return
