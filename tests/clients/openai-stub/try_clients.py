#!/usr/bin/env python3
"""Runs every OpenAI one-bug client (tests/clients/{python,node}/openai) against stub.py and checks that each is
caught for its one bug and for nothing else. A stand-in until the harness serves the OpenAI formats; not part of any
CI job. Standard library only; needs python3 and node (Node clients are skipped, with a line saying so, without node).

    python3 tests/clients/openai-stub/try_clients.py [--lang python|node] [--client chat-correct] [-j 4] [-v]

Cases, for each client of the recording's format:
- control: every recording of recordings/openai, one frame per write: the answer must be the reference reading
  (recordings/openai/tools/check.py: text, stop_reason, error type; exit 0 exactly when there is no error);
- split (each frame in two writes 15 ms apart) and bytewise (correct clients only) on every recording;
- variants written here from the recordings: CRLF line endings, `data:` with no space and `:` comment keep-alives
  (compatible servers), a gateway's `data: [DONE]` after response.completed, `event: error` in the nested and the flat
  shape, a 429 answered first (retried after its retry-after-ms), a wrong key (401);
- drop clean / cut / reset after 6 frames: an error must be surfaced;
- stall after 5 frames, silent (idle timeout) and with `: keep-alive` every 100 ms (total deadline): error `timeout`;
- give-up after 3 text deltas with a 1.5 s linger: the connection must close within 400 ms of the give-up.
Each client must match everywhere except where its one bug shows, and must fail there as named.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True  # no __pycache__ next to stub.py and check.py
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
RECORDINGS = os.path.join(ROOT, "recordings", "openai")
sys.path.insert(0, HERE)
import stub  # noqa: E402

_spec = importlib.util.spec_from_file_location("check", os.path.join(RECORDINGS, "tools", "check.py"))
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

KEY = "sk-stub-key"
CLIENTS = ["correct", "no-buffer", "ignores-errors", "no-finish-reason", "no-status", "no-abort", "no-timeout"]
ENV = {"HARNESS_FIRST_BYTE_TIMEOUT_MS": "3000", "HARNESS_IDLE_TIMEOUT_MS": "500", "HARNESS_TOTAL_TIMEOUT_MS": "3000"}
GIVE_UP_AFTER, LINGER_MS, GHOST_BOUND_MS = 3, 1500, 400


def expected(path):
    r = check.read(path)
    return r["text"], r["stop_reason"], r["error"]["type"] if r["error"] else None


def variants(tmp):
    """Recordings written from the bundled ones, with their expected reading."""
    out = []

    def write(name, body, like, want):
        path = os.path.join(tmp, name + ".sse")
        with open(path, "wb") as f:
            f.write(body)
        shutil.copy(os.path.join(RECORDINGS, like + ".meta.json"), path[:-4] + ".meta.json")
        out.append((name, path, want))

    def body(name):
        with open(os.path.join(RECORDINGS, name + ".sse"), "rb") as f:
            return f.read()

    for name in ("chat-text", "responses-text"):
        write(name + "-crlf", body(name).replace(b"\n", b"\r\n"), name, expected(os.path.join(RECORDINGS, name + ".sse")))
    chat = stub.split_frames(body("chat-azure-filter"))
    chat = [f.replace(b"data: ", b"data:", 1) for f in chat]
    chat = [chat[0], b": OPENROUTER PROCESSING\n\n"] + chat[1:8] + [b": OPENROUTER PROCESSING\n\n"] + chat[8:]
    write("chat-compatible", b"".join(chat), "chat-azure-filter",
          expected(os.path.join(RECORDINGS, "chat-azure-filter.sse")))
    write("responses-done-marker", body("responses-reasoning") + b"data: [DONE]\n\n", "responses-reasoning",
          expected(os.path.join(RECORDINGS, "responses-reasoning.sse")))
    frames = stub.split_frames(body("responses-text"))[:9]
    text = "".join(json.loads(f.split(b"data: ", 1)[1])["delta"] for f in frames if f.startswith(b"event: response.output_text.delta"))
    nested = {"type": "error", "sequence_number": 9, "error": {"type": "too_many_requests", "code": "too_many_requests",
                                                               "message": "Too Many Requests", "param": None}}
    flat = {"type": "error", "code": "server_error", "message": "The server had an error.", "param": None,
            "sequence_number": 9}
    for shape, obj, type in (("nested", nested, "too_many_requests"), ("flat", flat, "server_error")):
        write(f"responses-error-{shape}", b"".join(frames) + b"event: error\ndata: " + json.dumps(obj).encode() + b"\n\n",
              "responses-text", (text, None, type))
    return out


def cases(tmp):
    """(case name, recording path, expected (text, stop, error type) or None, stub config, extra env, outer timeout s)."""
    out = []
    bundled = sorted(f[:-4] for f in os.listdir(RECORDINGS) if f.endswith(".sse"))
    for name in bundled:
        path = os.path.join(RECORDINGS, name + ".sse")
        want = expected(path)
        out.append((f"control {name}", path, want, {"pace_ms": 2}, {}, 10))
        out.append((f"split {name}", path, want, {"mode": "split", "gap_ms": 15}, {}, 10))
        out.append((f"bytewise {name}", path, want, {"mode": "bytewise"}, {}, 10))
    for name, path, want in variants(tmp):
        out.append((f"variant {name}", path, want, {"pace_ms": 2}, {}, 10))
    for fmt in ("chat", "responses"):
        path = os.path.join(RECORDINGS, f"{fmt}-text.sse")
        want = expected(path)
        out.append((f"http-429-first {fmt}-text", path, want, {"http_error_first": 429, "pace_ms": 2}, {}, 10))
        out.append((f"wrong-key {fmt}-text", path, ("", None, "invalid_request_error"), {"key": "another-key"}, {}, 10))
        for drop in ("clean", "cut", "reset"):
            out.append((f"drop-{drop} {fmt}-text", path, "error", {"drop_after": 6, "drop": drop, "pace_ms": 2}, {}, 10))
        out.append((f"stall {fmt}-text", path, "timeout", {"stall_after": 5, "stall_max_ms": 8000}, {}, 6))
        out.append((f"stall-keepalive {fmt}-text", path, "timeout",
                    {"stall_after": 5, "keepalive_ms": 100, "stall_max_ms": 8000}, {}, 6))
        out.append((f"give-up {fmt}-text", path, "give-up", {"pace_ms": 80},
                    {"HARNESS_CANCEL_AFTER_DELTAS": str(GIVE_UP_AFTER), "HARNESS_LINGER_MS": str(LINGER_MS)}, 10))
    return out


def where_bug_shows(client, case, recording):
    """True where `client`'s one bug must show in `case`."""
    kind, rec = case.split(" ", 1)
    if client == "no-buffer":
        return kind == "split"
    if client == "ignores-errors":
        return kind.startswith("drop-") or rec in ("chat-error-midstream", "responses-failed") or rec.startswith("responses-error-")
    if client in ("no-finish-reason", "no-status"):
        return rec in ("chat-length", "responses-incomplete")
    if client == "no-abort":
        return kind == "give-up"
    if client == "no-timeout":
        return kind.startswith("stall")
    return False


def delta_frames(path):
    """Indexes of the frames that carry a text delta."""
    with open(path, "rb") as f:
        frames = stub.split_frames(f.read())
    out = []
    for i, frame in enumerate(frames):
        if frame.startswith(b"event: response.output_text.delta"):
            out.append(i)
        elif frame.startswith(b"data: {") and any((c.get("delta") or {}).get("content")
                                                   for c in json.loads(frame[6:]).get("choices") or []):
            out.append(i)
    return out


def run(command, case):
    name, path, want, cfg, extra, limit = case
    server = stub.Stub(stub.Config(path, **{"key": KEY, **cfg})).start()
    with tempfile.TemporaryDirectory() as tmp:
        result_file = os.path.join(tmp, "result.json")
        env = dict(os.environ, OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY, HARNESS_RESULT_FILE=result_file,
                   PYTHONDONTWRITEBYTECODE="1",
                   **ENV, **extra)
        if cfg.get("key"):
            env["OPENAI_API_KEY"] = "sk-wrong"
        started = time.monotonic()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            _, stderr = proc.communicate(timeout=limit)
            hung = False
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
            hung = True
        elapsed = time.monotonic() - started
        result = None
        if os.path.exists(result_file):
            with open(result_file, encoding="utf-8") as f:
                result = json.load(f)
    time.sleep(0.05)  # the handler notes the close
    server.shutdown()
    server.server_close()
    return {"exit": proc.returncode, "hung": hung, "elapsed": elapsed, "result": result, "logs": server.logs,
            "stderr": stderr.decode(errors="replace").strip()[-300:]}


def judge(client, case, out):
    """(ok, what happened) for one run: ok is whether it is what this client must do here."""
    name, path, want, cfg, extra, limit = case
    r, logs = out["result"], out["logs"]
    if out["hung"]:
        said = f"hung (killed after {limit} s)"
    elif r is None:
        said = f"exit {out['exit']}, no result file: {out['stderr'][-120:]}"
    else:
        err = (r.get("error") or {}).get("type")
        said = f"exit {out['exit']}, stop_reason {r.get('stop_reason')!r}, error {err!r}, {len(r.get('text', ''))} chars"
    bug = where_bug_shows(client, name, os.path.basename(path)[:-4])
    lenient_stop = client in ("no-finish-reason", "no-status")  # never reports one: null is what it says everywhere

    if want == "give-up":
        deltas = delta_frames(path)
        log = logs[-1] if logs else {}
        give_up_at = log.get("writes", [])[deltas[GIVE_UP_AFTER - 1]] if len(log.get("writes", [])) > deltas[GIVE_UP_AFTER - 1] else None
        closed = log.get("closed_ms")
        ghost = None if closed is None or give_up_at is None else closed - give_up_at
        said += f", connection closed {ghost:.0f} ms after the give-up" if ghost is not None else ", connection close not seen"
        answered = r is not None and out["exit"] == 0 and not r.get("error")
        if bug:
            return answered and ghost is not None and ghost >= LINGER_MS - 300, said
        return answered and ghost is not None and ghost <= GHOST_BOUND_MS, said
    if want == "timeout":
        if bug:
            return out["hung"], said
        return not out["hung"] and out["exit"] == 1 and r is not None and (r.get("error") or {}).get("type") == "timeout", said
    if want == "error":
        surfaced = not out["hung"] and out["exit"] != 0 and r is not None and r.get("error") is not None
        if bug:
            return not out["hung"] and out["exit"] == 0 and r is not None and r.get("error") is None, said
        return surfaced, said
    text, stop, error = want
    if r is None or out["hung"]:
        return False, said
    got_error = (r.get("error") or {}).get("type")
    same = (r.get("text") == text and got_error == error and (out["exit"] == 0) == (error is None)
            and (r.get("stop_reason") == stop or (lenient_stop and r.get("stop_reason") is None)))
    if name.startswith("http-429-first"):
        attempts = [l for l in logs if l.get("path")]
        waited = (attempts[1]["started"] - attempts[0]["started"]) * 1000 if len(attempts) > 1 else 0
        said += f", {len(attempts)} requests, retried after {waited:.0f} ms"
        same = same and len(attempts) == 2 and waited >= 95
    if not bug:
        return same, said
    if client == "no-buffer":
        return not same, said  # any misreading: a JSON error, a lost frame
    if client == "ignores-errors":
        return out["exit"] == 0 and r.get("error") is None and error is not None, said
    if client in ("no-finish-reason", "no-status"):
        return out["exit"] == 0 and r.get("error") is None and r.get("stop_reason") is None and stop is not None, said
    return False, said


def main():
    p = argparse.ArgumentParser(description="Runs the OpenAI one-bug clients against stub.py.")
    p.add_argument("--lang", choices=["python", "node"], action="append")
    p.add_argument("--client", action="append", help="e.g. chat-correct (default: all)")
    p.add_argument("-j", "--jobs", type=int, default=4)
    p.add_argument("-v", "--verbose", action="store_true", help="print every run, not only the unexpected ones")
    a = p.parse_args()
    langs = a.lang or ["python", "node"]
    if "node" in langs and shutil.which("node") is None:
        print("node is not on PATH: the Node clients are skipped")
        langs = [l for l in langs if l != "node"]
    with tempfile.TemporaryDirectory() as tmp:
        all_cases = cases(tmp)
        runs = []
        for lang in langs:
            for fmt in ("chat", "responses"):
                for bug in CLIENTS:
                    client = f"{fmt}-{bug}"
                    ext, exe = (".py", sys.executable) if lang == "python" else (".mjs", "node")
                    file = os.path.join("tests", "clients", lang, "openai", client + ext)
                    if not os.path.exists(os.path.join(ROOT, file)) or (a.client and client not in a.client):
                        continue
                    for case in all_cases:
                        if not os.path.basename(case[1]).startswith(fmt + "-"):
                            continue
                        if case[0].startswith("bytewise") and bug != "correct":
                            continue
                        runs.append((lang, client, bug, [exe, file], case))
        started = time.monotonic()
        with ThreadPoolExecutor(a.jobs) as pool:
            outs = list(pool.map(lambda r: run(r[3], r[4]), runs))
    failures, shown, per_client = 0, 0, {}
    for (lang, client, bug, _, case), out in zip(runs, outs):
        ok, said = judge(bug, case, out)
        bug_case = where_bug_shows(bug, case[0], os.path.basename(case[1])[:-4])
        key = f"{lang} {client}"
        c = per_client.setdefault(key, [0, 0, 0])
        c[0] += 1
        c[1] += ok and bug_case
        c[2] += not ok
        failures += not ok
        if a.verbose or not ok:
            mark = "ok  " if ok else "FAIL"
            print(f"{mark} {key:32} {case[0]:40} {'(its bug) ' if bug_case else ''}{said}")
    print()
    for key, (n, caught, bad) in per_client.items():
        print(f"{key:32} {n:3} runs, {caught:2} failing as named, {bad} unexpected")
    print(f"\n{len(runs)} runs in {time.monotonic() - started:.0f} s: "
          + ("every client is caught for its one bug and for nothing else" if not failures else f"{failures} unexpected"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
