#!/usr/bin/env python3
"""A tiny OpenAI-format SSE server for trying the OpenAI one-bug clients by hand before the harness serves the formats.

Not the harness and not part of any CI job: standard library only, one recording per server, a handful of faults.

    python3 tests/clients/openai-stub/stub.py recordings/openai/chat-text.sse [--port 8090] [--mode split] ...
    OPENAI_BASE_URL=http://127.0.0.1:8090/v1 OPENAI_API_KEY=sk-stub HARNESS_RESULT_FILE=/tmp/r.json \\
        python3 tests/clients/python/openai/chat-correct.py

It answers POST /v1/chat/completions for a chat-*.sse recording and POST /v1/responses for a responses-*.sse one,
as the API does: `Authorization: Bearer KEY` checked (401 with the API's error JSON otherwise), the request body
checked (JSON, "stream": true, a model, messages or input: 400 otherwise), the sidecar's status and headers, the body
chunked. Then it waits for the client to close the connection and logs when it did, so a connection left open after a
give-up shows.

Modes (how the body is cut into writes): `frames` (one write per SSE frame, the default), `split` (each frame in two
writes, cut in the middle, --gap-ms apart: what a client without a carried buffer cannot read), `bytewise` (one byte
per write), `whole` (one write). Faults: --stall-after N (after N frames send nothing more; --keepalive-ms M sends
`: keep-alive` comments meanwhile), --drop-after N with --drop clean|cut|reset (after N frames and half of the next:
end the chunked body cleanly, close without ending it, or reset the connection), --http-error-first STATUS (the first
request answers STATUS with the API's error JSON and retry-after-ms 100).
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROUTES = {"chat-": "/v1/chat/completions", "responses-": "/v1/responses"}
ERRORS = {  # the API's error bodies (WIRE-OPENAI.md, Chat Completions: Errors before the stream)
    400: ("invalid_request_error", None), 401: ("invalid_request_error", "invalid_api_key"),
    404: ("invalid_request_error", None), 429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None), 503: ("service_unavailable", "overloaded"),
}


def split_frames(body):
    """The body's SSE frames, each with its blank line (LF, or CRLF throughout)."""
    blank = b"\r\n\r\n" if b"\r\n" in body else b"\n\n"
    frames, start = [], 0
    while start < len(body):
        end = body.find(blank, start)
        end = len(body) if end < 0 else end + len(blank)
        frames.append(body[start:end])
        start = end
    return frames


class Config:
    def __init__(self, recording, key="sk-stub", mode="frames", pace_ms=0.0, gap_ms=20.0, stall_after=None,
                 keepalive_ms=None, stall_max_ms=30000, drop_after=None, drop="cut", http_error_first=None,
                 wait_close_ms=10000):
        self.recording = recording
        name = os.path.basename(recording)
        self.route = next((r for p, r in ROUTES.items() if name.startswith(p)), None)
        if self.route is None:
            raise SystemExit(f"{name}: the name starts with neither chat- nor responses-")
        with open(recording, "rb") as f:
            self.frames = split_frames(f.read())
        meta_path = recording[:-len(".sse")] + ".meta.json"
        meta = json.load(open(meta_path, encoding="utf-8")) if os.path.exists(meta_path) else {}
        self.status = meta.get("status", 200)
        self.headers = meta.get("headers", {"content-type": "text/event-stream; charset=utf-8"})
        self.key, self.mode, self.pace_ms, self.gap_ms = key, mode, pace_ms, gap_ms
        self.stall_after, self.keepalive_ms, self.stall_max_ms = stall_after, keepalive_ms, stall_max_ms
        self.drop_after, self.drop, self.http_error_first = drop_after, drop, http_error_first
        self.wait_close_ms = wait_close_ms


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-stub"

    def log_message(self, format, *args):
        pass  # the log lines are the server's records

    def do_POST(self):
        cfg, log = self.server.config, {"path": self.path, "started": time.monotonic(), "writes": []}
        self.server.record(log)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path != cfg.route:
            return self.error(log, 404, f"Invalid URL (POST {self.path})")
        if self.headers.get("authorization") != f"Bearer {cfg.key}":
            return self.error(log, 401, "Incorrect API key provided. You can find your API key in your account settings.")
        try:
            request = json.loads(raw)
            assert isinstance(request, dict) and request.get("stream") is True and isinstance(request.get("model"), str)
            assert isinstance(request.get("messages"), list) if cfg.route.endswith("/completions") else "input" in request
        except (ValueError, AssertionError):
            return self.error(log, 400, "The request must be JSON with a model, \"stream\": true and messages (or input).")
        if cfg.http_error_first and self.server.take_first():
            return self.error(log, cfg.http_error_first, "Rate limit reached; please retry.", {"retry-after-ms": "100"})
        self.send_response(cfg.status)
        for name, value in cfg.headers.items():
            self.send_header(name, value)
        self.send_header("transfer-encoding", "chunked")
        self.send_header("connection", "close")
        self.end_headers()
        log["status"] = cfg.status
        self.close_connection = True
        try:
            self.stream(cfg, log)
        except (BrokenPipeError, ConnectionResetError) as e:
            log["closed_ms"] = log.get("closed_ms") or self.ms(log)
            log["write_error"] = type(e).__name__

    def error(self, log, status, message, headers=None):
        type, code = ERRORS.get(status, ("server_error", None))
        body = json.dumps({"error": {"message": message, "type": type, "param": None, "code": code}}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", "req_" + os.urandom(16).hex())
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True
        log["status"] = status

    @staticmethod
    def ms(log):
        return round((time.monotonic() - log["started"]) * 1000, 1)

    def write(self, log, piece):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        log["writes"].append(self.ms(log))

    def closed_within(self, log, seconds):
        """Waits up to `seconds` for the client to close its side; records and returns True when it did."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            readable, _, _ = select.select([self.connection], [], [], max(0.0, left))
            if readable:
                try:
                    data = self.connection.recv(4096)
                except (ConnectionResetError, OSError):
                    data = b""
                if not data:
                    log["closed_ms"] = self.ms(log)
                    return True
            elif left <= 0:
                return False

    def stream(self, cfg, log):
        frames = cfg.frames
        for i, frame in enumerate(frames):
            if cfg.stall_after is not None and i == cfg.stall_after:
                log["stalled_ms"] = self.ms(log)
                end = time.monotonic() + cfg.stall_max_ms / 1000
                while time.monotonic() < end:
                    if self.closed_within(log, (cfg.keepalive_ms or cfg.stall_max_ms) / 1000):
                        return
                    if cfg.keepalive_ms:
                        self.write(log, b": keep-alive\n\n")
                return
            if cfg.drop_after is not None and i == cfg.drop_after:
                self.write(log, frame[:len(frame) // 2])
                log["dropped"] = cfg.drop
                if cfg.drop == "clean":
                    self.wfile.write(b"0\r\n\r\n")
                    self.closed_within(log, cfg.wait_close_ms / 1000)
                elif cfg.drop == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                return
            if cfg.mode == "whole":
                self.write(log, b"".join(frames))
                break
            if cfg.mode == "split" and len(frame) > 1:
                self.write(log, frame[:len(frame) // 2])
                time.sleep(cfg.gap_ms / 1000)
                self.write(log, frame[len(frame) // 2:])
            elif cfg.mode == "bytewise":
                for b in range(len(frame)):
                    self.write(log, frame[b:b + 1])
            else:
                self.write(log, frame)
            if cfg.pace_ms and self.closed_within(log, cfg.pace_ms / 1000):
                return  # the client left
        self.wfile.write(b"0\r\n\r\n")
        log["ended_ms"] = self.ms(log)
        self.closed_within(log, cfg.wait_close_ms / 1000)


class Stub(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, config, port=0):
        super().__init__(("127.0.0.1", port), Handler)
        self.config = config
        self.logs = []
        self._lock = threading.Lock()
        self._first = True

    def record(self, log):
        with self._lock:
            self.logs.append(log)

    def take_first(self):
        with self._lock:
            first, self._first = self._first, False
            return first

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("recording")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument("--key", default="sk-stub", help="the API key the Bearer header must carry")
    p.add_argument("--mode", choices=["frames", "split", "bytewise", "whole"], default="frames")
    p.add_argument("--pace-ms", type=float, default=0.0, help="wait between frames (the client may leave meanwhile)")
    p.add_argument("--gap-ms", type=float, default=20.0, help="wait between the two halves of a frame in split mode")
    p.add_argument("--stall-after", type=int)
    p.add_argument("--keepalive-ms", type=float)
    p.add_argument("--drop-after", type=int)
    p.add_argument("--drop", choices=["clean", "cut", "reset"], default="cut")
    p.add_argument("--http-error-first", type=int)
    a = p.parse_args()
    cfg = Config(a.recording, a.key, a.mode, a.pace_ms, a.gap_ms, a.stall_after, a.keepalive_ms, 30000, a.drop_after,
                 a.drop, a.http_error_first)
    server = Stub(cfg, a.port)
    print(f"serving {a.recording} at {server.base_url}{cfg.route[3:]} (OPENAI_BASE_URL={server.base_url}, key {a.key})",
          flush=True)
    seen = 0
    server.start()
    try:
        while True:  # one line per request, once it is over (the client closed, or an error status was answered)
            time.sleep(0.2)
            while seen < len(server.logs) and ("closed_ms" in server.logs[seen] or server.logs[seen].get("status", 200) != 200):
                log = server.logs[seen]
                print(json.dumps({k: v for k, v in log.items() if k not in ("started", "writes")} | {"writes": len(log["writes"])}),
                      file=sys.stderr, flush=True)
                seen += 1
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
