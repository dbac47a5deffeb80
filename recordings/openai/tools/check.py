#!/usr/bin/env python3
"""Checks the OpenAI recordings (recordings/openai/*.sse + *.meta.json) and prints what a correct client reads.

Standard library only. Run from anywhere: python3 recordings/openai/tools/check.py [FILE.sse ...]
Exit 0 when every file passes; 1 with one line per problem otherwise.

Checked, per WIRE-OPENAI.md (sections named in recordings/openai/README.md):
- framing: UTF-8, no BOM, LF line endings only, `field: value` with one space, only `event` and `data` fields,
  every frame ended by a blank line (the body ends with one);
- every `data` is one line of JSON (a JSON object), except Chat's `[DONE]`;
- Chat Completions: no `event:` lines; `[DONE]` is the last frame; every chunk repeats the stream's `id` and
  `created` (Azure's filter-only chunks carry an empty id and created 0); tool-call pieces keyed by `index`, the
  first with id, type "function", name and arguments "", rebuild to valid JSON arguments;
- Responses: each frame's `event:` is its JSON `type`; `sequence_number` runs 0, 1, 2, ...; output_text,
  function-call arguments and reasoning-summary deltas join to what their `.done` event says; arguments are JSON;
  no `[DONE]`;
- the sidecar: status 200, the format's headers, a timeline starting at offset 0, ascending, inside the body;
- the outcome (text read, finish reason / status, error) is the one this file is meant to show (EXPECTED below).

The readers (`read_chat`, `read_responses`, `read`) are the reference reading: what a correct client reports.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.normpath(os.path.join(HERE, ".."))

# What each recording is meant to show: (stop_reason, error type) a correct client reports. stop_reason is Chat's
# finish_reason, and for Responses `incomplete_details.reason or status` (tests/clients/README.md, "OpenAI formats").
EXPECTED = {
    "chat-text": ("stop", None),
    "chat-parallel-tools": ("tool_calls", None),
    "chat-length": ("length", None),
    "chat-usage": ("stop", None),
    "chat-azure-filter": ("stop", None),
    "chat-error-midstream": (None, "InternalServerError"),
    "responses-text": ("completed", None),
    "responses-function-call": ("completed", None),
    "responses-reasoning": ("completed", None),
    "responses-incomplete": ("max_output_tokens", None),
    "responses-failed": (None, "server_error"),
}
HEADERS = ("content-type", "x-request-id", "openai-processing-ms", "openai-version")


class Problem(Exception):
    pass


def frames(body):
    """Yields (line number, fields) per frame of a strict LF-only body: fields is a list of (name, value)."""
    if body.startswith(b"\xef\xbb\xbf"):
        raise Problem("starts with a UTF-8 BOM")
    if b"\r" in body:
        raise Problem("CR at byte %d: the API writes LF line endings only" % body.index(b"\r"))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Problem(f"invalid UTF-8 at byte {e.start}") from None
    if not text.endswith("\n\n"):
        raise Problem("the body does not end with a blank line (an unfinished last frame)")
    line_no, fields, start = 0, [], 1
    for line in text[:-1].split("\n"):  # the final "\n" ends the last (blank) line
        line_no += 1
        if line == "":
            if not fields:
                raise Problem(f"line {line_no}: a blank line with no frame before it")
            yield start, fields
            fields, start = [], line_no + 1
            continue
        if line.startswith(":"):
            continue  # a comment (keepalive)
        name, colon, value = line.partition(":")
        if not colon:
            raise Problem(f"line {line_no}: no colon in {line[:40]!r}")
        if not value.startswith(" ") or value.startswith("  "):
            raise Problem(f"line {line_no}: {name}: must be followed by exactly one space")
        if name not in ("event", "data"):
            raise Problem(f"line {line_no}: unexpected field {name!r}")
        fields.append((name, value[1:]))
    if fields:
        raise Problem("the last frame is not ended by a blank line")


def parse(body):
    """(line, event name or None, data string) per frame, with the data checked to be one line."""
    out = []
    for line, fields in frames(body):
        events = [v for n, v in fields if n == "event"]
        datas = [v for n, v in fields if n == "data"]
        if len(events) > 1 or len(datas) != 1:
            raise Problem(f"line {line}: a frame needs one data line and at most one event line")
        out.append((line, events[0] if events else None, datas[0]))
    return out


def load(line, data):
    try:
        obj = json.loads(data)
    except ValueError as e:
        raise Problem(f"line {line}: data is not valid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise Problem(f"line {line}: data is not a JSON object")
    return obj


def read_chat(body, strict=True):
    """The reference reading of a Chat Completions stream: text, stop_reason (finish_reason), error, tool calls."""
    text, finish, error, done, calls = [], None, None, False, {}
    stream_id = created = None
    for line, event, data in parse(body):
        if strict and event is not None:
            raise Problem(f"line {line}: Chat Completions frames have no event: line ({event!r})")
        if done:
            raise Problem(f"line {line}: a frame after [DONE]")
        if data == "[DONE]":
            done = True
            continue
        chunk = load(line, data)
        if chunk.get("error"):
            if error is None:
                err = chunk["error"]
                error = {"type": str(err.get("type") or err.get("code") or "error"), "message": err.get("message", "")}
            continue
        if strict:
            if chunk.get("id") == "" and chunk.get("created") == 0:
                pass  # an Azure filter-only chunk
            elif stream_id is None:
                stream_id, created = chunk["id"], chunk["created"]
                if not stream_id.startswith("chatcmpl-"):
                    raise Problem(f"line {line}: id {stream_id!r} is not chatcmpl-...")
            elif (chunk.get("id"), chunk.get("created")) != (stream_id, created):
                raise Problem(f"line {line}: id/created differ from the first chunk's")
            if chunk.get("id") and chunk.get("object") != "chat.completion.chunk":
                raise Problem(f"line {line}: object is {chunk.get('object')!r}")
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            if delta.get("content"):
                text.append(delta["content"])
            for piece in delta.get("tool_calls") or []:
                call = calls.get(piece["index"])
                fn = piece.get("function") or {}
                if call is None:
                    if strict and (not piece.get("id", "").startswith("call_") or piece.get("type") != "function"
                                   or "name" not in fn or fn.get("arguments") != ""):
                        raise Problem(f"line {line}: the first piece of tool call {piece['index']} lacks id/type/name/arguments \"\"")
                    call = calls[piece["index"]] = {"id": piece.get("id"), "name": fn.get("name"), "arguments": ""}
                elif strict and set(piece) - {"index", "function"}:
                    raise Problem(f"line {line}: a later piece of tool call {piece['index']} carries {sorted(set(piece) - {'index', 'function'})}")
                call["arguments"] += fn.get("arguments") or ""
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
    for index, call in calls.items():
        try:
            call["arguments"] = json.loads(call["arguments"])
        except ValueError as e:
            raise Problem(f"tool call {index}: arguments do not rebuild to JSON: {e}") from None
    if error is None and (not done or finish is None):
        error = {"type": "incomplete_stream", "message": "no [DONE]" if not done else "[DONE] before any finish_reason"}
    return {"text": "".join(text), "stop_reason": finish, "error": error,
            "tool_calls": [calls[i] for i in sorted(calls)]}


def read_responses(body, strict=True):
    """The reference reading of a Responses stream: text (output_text deltas), stop_reason
    (incomplete_details.reason or status), error, function calls, reasoning summaries."""
    text, stop, error, ended = [], None, None, False
    pieces, calls, summaries = {}, {}, {}
    seq = 0
    for line, event, data in parse(body):
        if data == "[DONE]":
            if strict:
                raise Problem(f"line {line}: [DONE] in a Responses stream")
            continue
        obj = load(line, data)
        type = obj.get("type")
        if strict:
            if event != type:
                raise Problem(f"line {line}: event {event!r} but type {type!r}")
            if obj.get("sequence_number") != seq:
                raise Problem(f"line {line}: sequence_number {obj.get('sequence_number')}, expected {seq}")
            if ended:
                raise Problem(f"line {line}: {type} after the response ended")
        seq += 1
        if type == "response.output_text.delta":
            text.append(obj["delta"])
            pieces.setdefault(("text", obj["item_id"], obj["content_index"]), []).append(obj["delta"])
        elif type == "response.output_text.done":
            if strict and "".join(pieces.get(("text", obj["item_id"], obj["content_index"]), [])) != obj["text"]:
                raise Problem(f"line {line}: output_text deltas do not join to output_text.done's text")
        elif type == "response.output_item.added" and obj["item"]["type"] == "function_call":
            item = obj["item"]
            if strict and not (item["id"].startswith("fc_") and item["call_id"].startswith("call_") and item["arguments"] == ""):
                raise Problem(f"line {line}: function_call item lacks fc_ id, call_ call_id or arguments \"\"")
            calls[item["id"]] = {"id": item["call_id"], "name": item["name"], "arguments": ""}
        elif type == "response.function_call_arguments.delta":
            calls[obj["item_id"]]["arguments"] += obj["delta"]
        elif type == "response.function_call_arguments.done":
            if strict and calls[obj["item_id"]]["arguments"] != obj["arguments"]:
                raise Problem(f"line {line}: argument deltas do not join to function_call_arguments.done's arguments")
        elif type == "response.reasoning_summary_text.delta":
            summaries.setdefault((obj["item_id"], obj["summary_index"]), []).append(obj["delta"])
        elif type == "response.reasoning_summary_text.done":
            if strict and "".join(summaries.get((obj["item_id"], obj["summary_index"]), [])) != obj["text"]:
                raise Problem(f"line {line}: summary deltas do not join to reasoning_summary_text.done's text")
        elif type == "error":
            nested = obj.get("error")
            if isinstance(nested, dict):  # the shape live traffic uses
                etype, message = nested.get("type") or nested.get("code"), nested.get("message", "")
            else:  # the documented flat shape
                etype, message = obj.get("code"), obj.get("message", "")
            error = error or {"type": str(etype or "error"), "message": message}
            ended = True
        elif type in ("response.completed", "response.incomplete"):
            response = obj["response"]
            stop = (response.get("incomplete_details") or {}).get("reason") or response["status"]
            ended = True
        elif type == "response.failed":
            err = obj["response"].get("error") or {}
            error = error or {"type": err.get("code") or "failed", "message": err.get("message", "")}
            ended = True
    for item_id, call in calls.items():
        try:
            call["arguments"] = json.loads(call["arguments"])
        except ValueError as e:
            raise Problem(f"function call {item_id}: arguments are not JSON: {e}") from None
    if error is None and not ended:
        error = {"type": "incomplete_stream", "message": "no response.completed or response.incomplete"}
    return {"text": "".join(text), "stop_reason": stop, "error": error, "tool_calls": list(calls.values()),
            "reasoning_summary": ["".join(v) for _, v in sorted(summaries.items(), key=lambda kv: kv[0][1])]}


def read(path, strict=True):
    """The reference reading of a recording, by its name's format prefix (chat- or responses-)."""
    with open(path, "rb") as f:
        body = f.read()
    name = os.path.basename(path)
    if name.startswith("chat-"):
        return read_chat(body, strict)
    if name.startswith("responses-"):
        return read_responses(body, strict)
    raise Problem(f"{name}: the name starts with neither chat- nor responses-")


def check_meta(path, body_length):
    meta_path = path[:-len(".sse")] + ".meta.json"
    if not os.path.exists(meta_path):
        raise Problem("no .meta.json sidecar")
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    if set(meta) - {"status", "headers", "timeline"}:
        raise Problem(f"sidecar has unknown fields {sorted(set(meta) - {'status', 'headers', 'timeline'})}")
    if meta.get("status") != 200:
        raise Problem(f"sidecar status {meta.get('status')}, expected 200")
    headers = meta.get("headers", {})
    for h in HEADERS:
        if h not in headers:
            raise Problem(f"sidecar lacks header {h}")
    if headers["content-type"] != "text/event-stream; charset=utf-8":
        raise Problem(f"content-type is {headers['content-type']!r}")
    if not re.fullmatch(r"req_[0-9a-f]{32}", headers["x-request-id"]):
        raise Problem(f"x-request-id {headers['x-request-id']!r} is not req_ + 32 hex digits")
    timeline = meta.get("timeline", [])
    for i, entry in enumerate(timeline):
        if i == 0 and entry["offset"] != 0:
            raise Problem("timeline[0].offset is not 0")
        if i and (entry["offset"] <= timeline[i - 1]["offset"] or entry["atMs"] < timeline[i - 1]["atMs"]):
            raise Problem(f"timeline[{i}] does not ascend")
        if entry["offset"] >= body_length:
            raise Problem(f"timeline[{i}].offset {entry['offset']} is at or beyond the body length {body_length}")
    return len(timeline)


def check(path):
    """Checks one recording; returns the lines to print."""
    name = os.path.basename(path)[:-len(".sse")]
    with open(path, "rb") as f:
        body = f.read()
    result = read(path)
    frames_count = len(parse(body))
    reads = check_meta(path, len(body))
    if name.startswith("chat-"):
        deltas = sum(1 for _, _, d in parse(body) if d != "[DONE]" and any(
            (c.get("delta") or {}).get("content") for c in json.loads(d).get("choices") or []))
    else:
        deltas = sum(1 for _, e, _ in parse(body) if e == "response.output_text.delta")
    want = EXPECTED.get(name)
    got = (result["stop_reason"], result["error"]["type"] if result["error"] else None)
    if want is None:
        raise Problem(f"{name} is not in EXPECTED")
    if got != want:
        raise Problem(f"reads as stop_reason={got[0]!r} error={got[1]!r}, meant to show {want}")
    lines = [f"{name}: ok ({len(body)} bytes, {frames_count} frames, {reads} recorded reads, {deltas} text deltas)",
             f"  text:        {result['text']!r}",
             f"  stop_reason: {result['stop_reason']!r}",
             f"  error:       {result['error']!r}"]
    for call in result["tool_calls"]:
        lines.append(f"  tool call:   {call['id']} {call['name']}({json.dumps(call['arguments'], ensure_ascii=False)})")
    for i, summary in enumerate(result.get("reasoning_summary") or []):
        lines.append(f"  summary {i}:   {summary!r}")
    return lines


def main(argv):
    paths = argv or sorted(os.path.join(FOLDER, f) for f in os.listdir(FOLDER) if f.endswith(".sse"))
    failed = 0
    for path in paths:
        try:
            print("\n".join(check(path)))
        except (Problem, OSError, ValueError, KeyError, TypeError) as e:
            failed += 1
            kind = "" if isinstance(e, Problem) else type(e).__name__ + ": "
            print(f"{os.path.basename(path)}: FAILED: {kind}{e}")
    missing = set(EXPECTED) - {os.path.basename(p)[:-len(".sse")] for p in paths}
    if not argv and missing:
        failed += 1
        print(f"missing recordings: {sorted(missing)}")
    print(f"{failed} problem(s)" if failed else f"all {len(paths)} recordings pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
