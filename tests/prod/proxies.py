"""A loopback TCP proxy that can freeze, for a server that accepts connections and then stops answering."""

import contextlib
import socket
import threading


class FreezingProxy:
    """Forwards to a real server until frozen; while frozen it still accepts connections but passes nothing on,
    in old connections or new, so clients wait until their socket timeout, as with a hung server. thaw() passes
    on what was held back, as a server that was paused would answer."""

    def __init__(self, target_host, target_port, *, frozen=False):
        self.target = (target_host, target_port)
        self.flowing = threading.Event()
        if not frozen:
            self.flowing.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, scheme, path=""):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def freeze(self):
        self.flowing.clear()

    def thaw(self):
        self.flowing.set()

    def close(self):
        self.listener.close()
        self.flowing.set()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            with self.lock:
                self.sockets += [client, upstream]
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, destination), daemon=True).start()

    def _pipe(self, source, destination):
        try:
            while data := source.recv(65536):
                self.flowing.wait()
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
