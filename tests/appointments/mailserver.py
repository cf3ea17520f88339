"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be stopped and started."""

import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []
        self.peers = []  # the sending side's (address, port) for each message: one port per connection

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


class SilentServer:
    """Accepts connections on loopback and never says a word: a mail server that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)

    def accept(self):
        while self.running:
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)  # held open, never answered

    def start(self):
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join()
        for connection in [*self.accepted, self.listener]:
            connection.close()
