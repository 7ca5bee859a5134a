#!/usr/bin/env python3
"""A loopback "Netdata Cloud" for the deploy tests, inside the test's own network namespace.

TLS with a certificate from the test CA (made at test time). Modes:
  ok            GET / -> 404 (what the guide expects), the WebSocket upgrade of the link
                (GET /mqtt, Sec-WebSocket-Protocol: mqtt) -> 101, claim PUT -> 204
  ws-blocked    as ok, but a WebSocket upgrade is cut with a TCP reset (a firewall that kills
                upgrades, even outbound)
  banned        every request -> 403 with Cloud's error body (the IP is blocked)
"""
import argparse
import base64
import hashlib
import json
import socket
import socketserver
import ssl
import struct

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        conn = self.request
        conn.settimeout(10)
        try:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
        except (OSError, ssl.SSLError):
            return
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        method, path = (lines[0].split(" ") + ["", ""])[:2]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        mode = self.server.mode
        if mode == "banned":
            body = json.dumps({"errorCode": "forbidden", "errorMsgKey": "ErrForbidden",
                               "errorMessage": "Your IP is blocked", "errorNonRetryable": True})
            return self.reply(conn, "403 Forbidden", "application/json", body)
        if headers.get("upgrade", "").lower() == "websocket":
            if mode == "ws-blocked":
                # SO_LINGER 0: close() sends RST, as a middlebox that kills the upgrade does.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
                return
            key = headers.get("sec-websocket-key", "")
            accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            resp = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n")
            conn.sendall(resp.encode())
            try:
                conn.recv(1024)  # the client may send a close frame; then we are done
            except (OSError, ssl.SSLError):
                pass
            return
        if method == "PUT" and path.startswith("/api/v1/spaces/nodes/"):
            return self.reply(conn, "204 No Content", "text/plain", "")
        return self.reply(conn, "404 Not Found", "application/json", '{"errorMsgKey":"ErrNotFound"}')

    @staticmethod
    def reply(conn, status, ctype, body):
        resp = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                f"Connection: close\r\n\r\n{body}")
        try:
            conn.sendall(resp.encode())
        except (OSError, ssl.SSLError):
            pass


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, addr, ctx, mode):
        super().__init__(addr, Handler)
        self.ctx, self.mode = ctx, mode

    def get_request(self):
        sock, addr = self.socket.accept()
        return sock, addr

    def finish_request(self, request, client_address):
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            request.close()
            return
        Handler(tls, client_address, self)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", default="127.0.0.2")
    ap.add_argument("--port", type=int, default=443)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--mode", default="ok", choices=["ok", "ws-blocked", "banned"])
    a = ap.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    Server((a.listen, a.port), ctx, a.mode).serve_forever()


if __name__ == "__main__":
    main()
