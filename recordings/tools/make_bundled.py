#!/usr/bin/env python3
"""Writes the bundled recordings (recordings/*.sse + *.meta.json) deterministically.

The committed files are the artefact; this script only documents how they were made.
Run from the repository root: python3 recordings/tools/make_bundled.py
"""
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODEL = "claude-sonnet-4-5-20250929"
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def ident(rng, prefix, n=22):
    return prefix + "".join(rng.choice(B62) for _ in range(n))


def js(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


class Stream:
    def __init__(self, name, seed, input_tokens=24, eol="\n"):
        self.name = name
        self.rng = random.Random(seed)
        self.eol = eol
        self.frames = []  # (bytes, kind) kind: 'start' | 'token' | 'other'
        self.msg_id = ident(self.rng, "msg_01")
        self.req_id = ident(self.rng, "req_011C", 20)
        self.input_tokens = input_tokens
        self.output_tokens = 0
        self.pad_events = set()

    def frame(self, event, data, kind="other", raw=None):
        text = raw if raw is not None else js(data)
        if event in self.pad_events:
            text = text[:-1] + " " * 14 + "}"
        e = self.eol
        self.frames.append((f"event: {event}{e}data: {text}{e}{e}".encode(), kind))

    def comment(self, text):
        e = self.eol
        self.frames.append((f": {text}{e}{e}".encode(), "other"))

    def start(self):
        self.frame("message_start", {"type": "message_start", "message": {
            "id": self.msg_id, "type": "message", "role": "assistant", "model": MODEL,
            "content": [], "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": self.input_tokens, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "output_tokens": 1, "service_tier": "standard"}}}, "start")

    def ping(self):
        self.frame("ping", None, raw='{"type": "ping"}')

    def block_start(self, index, block):
        self.frame("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})

    def delta(self, index, delta):
        self.frame("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}, "token")
        self.output_tokens += 1

    def block_stop(self, index):
        self.frame("content_block_stop", {"type": "content_block_stop", "index": index})

    def text_block(self, index, pieces, pings_every=0):
        self.block_start(index, {"type": "text", "text": ""})
        for i, p in enumerate(pieces):
            if pings_every and i and i % pings_every == 0:
                self.ping()
            self.delta(index, {"type": "text_delta", "text": p})
        self.block_stop(index)

    def thinking_block(self, index, pieces, signature):
        self.block_start(index, {"type": "thinking", "thinking": "", "signature": ""})
        for p in pieces:
            self.delta(index, {"type": "thinking_delta", "thinking": p})
        self.delta(index, {"type": "signature_delta", "signature": signature})
        self.block_stop(index)

    def end(self, stop_reason="end_turn", stop_sequence=None, extra_delta=None, stop=True):
        delta = {"stop_reason": stop_reason, "stop_sequence": stop_sequence}
        if extra_delta:
            delta.update(extra_delta)
        self.frame("message_delta", {"type": "message_delta", "delta": delta,
                                     "usage": {"output_tokens": max(self.output_tokens, 1)}})
        if stop:
            self.frame("message_stop", {"type": "message_stop"})

    def body(self):
        return b"".join(f for f, _ in self.frames)

    def timeline(self, first_ms=None, gap=(10, 60), merge_share=0.0, split_share=0.0):
        """One chunk per frame at realistic times; some frames merged or split like the network does."""
        rng = self.rng
        t = first_ms if first_ms is not None else rng.uniform(250, 420)
        out = []
        offset = 0
        first_token_seen = False
        for i, (f, kind) in enumerate(self.frames):
            if i > 0:
                if kind == "token" and not first_token_seen:
                    t += rng.uniform(20, 60)
                elif kind == "token":
                    t += rng.uniform(*gap)
                else:
                    t += rng.uniform(0.2, 3.0)
            if kind == "token":
                first_token_seen = True
            merged = i > 0 and kind != "token" and rng.random() < merge_share
            if not merged:
                out.append({"offset": offset, "atMs": round(t, 1)})
            if len(f) > 40 and rng.random() < split_share:
                cut = rng.randint(8, len(f) - 8)
                inside_char = [i for i in range(8, len(f) - 8) if 0x80 <= f[i] < 0xC0]
                if inside_char and rng.random() < 0.5:
                    cut = rng.choice(inside_char)  # the network does not respect characters
                out.append({"offset": offset + cut, "atMs": round(t + rng.uniform(0.1, 2.0), 1)})
                t = out[-1]["atMs"]
            offset += len(f)
        return out

    def write(self, timeline=None, headers_extra=None):
        body = self.body()
        with open(os.path.join(OUT, self.name + ".sse"), "wb") as fh:
            fh.write(body)
        headers = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache",
                   "request-id": self.req_id, "anthropic-organization-id": "00000000-0000-4000-8000-000000000000"}
        if headers_extra:
            headers.update(headers_extra)
        meta = {"status": 200, "headers": headers,
                "timeline": timeline if timeline is not None else self.timeline()}
        with open(os.path.join(OUT, self.name + ".meta.json"), "w", encoding="utf-8", newline="\n") as fh:
            # One timeline entry per line keeps diffs readable.
            head = json.dumps({"status": meta["status"], "headers": meta["headers"]}, indent=2, ensure_ascii=False)
            entries = ",\n".join("    " + js(c) for c in meta["timeline"])
            fh.write(head[:-2] + ',\n  "timeline": [\n' + entries + "\n  ]\n}\n")


def tokens(text, rng, min_len=1, max_len=3):
    """Splits text into pieces of 1-3 words, keeping spaces as the API does (leading space on a word)."""
    words = text.split(" ")
    out, i = [], 0
    while i < len(words):
        n = rng.randint(min_len, max_len)
        chunk = " ".join(words[i:i + n])
        out.append(chunk if i == 0 else " " + chunk)
        i += n
    return out


def char_tokens(text, rng, lo=2, hi=6):
    out, i = [], 0
    while i < len(text):
        n = rng.randint(lo, hi)
        out.append(text[i:i + n])
        i += n
    return out


def text_short():
    s = Stream("text-short", 101)
    s.start()
    s.block_start(0, {"type": "text", "text": ""})
    s.ping()
    for p in ["Hello", "!", " 👋", " Nice", " to", " meet", " you", " 😊", " How", " can", " I", " help", " today", "? 🚀"]:
        s.delta(0, {"type": "text_delta", "text": p})
    s.block_stop(0)
    s.end()
    s.write()


LONG_CJK = (
    "Here is a short tour of tea culture 🍵 across East Asia. In Japan the tea ceremony is called 茶道 (sadō), "
    "\"the way of tea\", and it values 和敬清寂: harmony, respect, purity and tranquility 🌸. In China, 功夫茶 "
    "(gōngfu chá) means brewing with skill: small Yixing pots, many short infusions, and a tray that catches the "
    "overflow 🫖. Korea has 다도 (dado), which favours a calm, unhurried rhythm and seasonal cups 🍂. "
    "Common words: 緑茶 green tea, 紅茶 black tea, 烏龍茶 oolong, 普洱茶 pu-erh, 보리차 barley tea. "
    "A useful phrase in Mandarin is 请喝茶 (qǐng hē chá, \"please have some tea\") and in Japanese お茶をどうぞ "
    "(ocha o dōzo). Temperatures matter 🌡️: green teas around 70-80 °C, oolongs 85-95 °C, black teas near "
    "boiling. Emoji round-up for your notes: 🍵🫖🌿🍃🏯🎎🇯🇵🇨🇳🇰🇷 and a family 👨‍👩‍👧‍👦 sharing a pot. "
    "Finally, remember 一期一会 (ichigo ichie): every meeting happens once, so enjoy this cup ☕✨. "
    "Bonus: Cantonese 飲茶 (yum cha) pairs tea with dim sum 🥟, and Taiwanese 珍珠奶茶 (bubble tea) added "
    "tapioca pearls in the 1980s 🧋. Ελληνικά and русский text and math like ∑ x² ≤ ∞ also travel fine."
)


def text_long_cjk():
    s = Stream("text-long-cjk", 202, input_tokens=58)
    s.start()
    pieces = char_tokens(LONG_CJK, s.rng, 3, 9)
    s.text_block(0, pieces, pings_every=40)
    s.end()
    # The network cuts some frames mid-way, sometimes inside a multi-byte character.
    s.write(s.timeline(split_share=0.15, merge_share=0.3))


def tool_use():
    s = Stream("tool-use", 303, input_tokens=412)
    s.start()
    s.text_block(0, tokens("I'll check the current weather in São Paulo and the 5-day forecast for you using the weather tool.", s.rng))
    tid = ident(s.rng, "toolu_01")
    s.block_start(1, {"type": "tool_use", "id": tid, "name": "get_weather", "input": {}})
    # Pieces cut inside strings ("São Pa" | "ulo") and numbers ("-23." | "5505").
    pieces = ["", "{\"loca", "tion\": \"São Pa", "ulo, B", "razil\"", ", \"lat\": -23.", "5505, \"lon\": -46.6",
              "333", ", \"unit\": \"cel", "sius\", \"days\": ", "5, \"include\": [\"hum", "idity\", \"wind\"]}"]
    for p in pieces:
        s.delta(1, {"type": "input_json_delta", "partial_json": p})
    s.block_stop(1)
    s.end("tool_use")
    s.write()


def thinking():
    s = Stream("thinking", 404, input_tokens=96)
    s.start()
    thought = ("The user asks for 27 * 453. Let me break it down: 27 * 400 = 10800, 27 * 50 = 1350, 27 * 3 = 81. "
               "Sum: 10800 + 1350 = 12150, plus 81 = 12231. Double-check with 453 * 27 = 453 * 30 - 453 * 3 = "
               "13590 - 1359 = 12231. Both agree.")
    pieces = tokens(thought, s.rng, 2, 5)  # drawn before the signature, as the recording was made
    s.thinking_block(0, pieces, "Eq" + "".join(s.rng.choice(B62 + "+/") for _ in range(300)) + "==")
    s.text_block(1, tokens("27 × 453 = **12,231**. I split it as 27 × 400 + 27 × 50 + 27 × 3 and checked it another way ✅.", s.rng))
    s.end()
    s.write()


def redacted_thinking():
    s = Stream("redacted-thinking", 505, input_tokens=130)
    s.start()
    pieces = tokens("Considering the request about network resilience; I should outline retries, timeouts and idempotency keys clearly.", s.rng, 2, 4)
    s.thinking_block(0, pieces, "Eq" + "".join(s.rng.choice(B62) for _ in range(180)) + "==")
    data = "EmwKAhgBEgy" + "".join(s.rng.choice(B62 + "+/") for _ in range(240))
    s.block_start(1, {"type": "redacted_thinking", "data": data})
    s.block_stop(1)
    s.text_block(2, tokens("Three habits make clients resilient: bounded retries with jitter, a deadline on every call, and idempotency keys on writes.", s.rng))
    s.end()
    s.write()


def max_tokens():
    s = Stream("max-tokens", 606, input_tokens=33)
    s.start()
    s.text_block(0, tokens("Once upon a time, in a village at the edge of a great forest, there lived a clockmaker who could repair anything except", s.rng))
    s.output_tokens = 32
    s.end("max_tokens")
    s.write()


def stop_sequence():
    s = Stream("stop-sequence", 707, input_tokens=41)
    s.start()
    s.text_block(0, tokens("1. Preheat the oven to 200 °C.\n2. Slice the potatoes thinly.\n3. Layer them with cream and garlic.\n", s.rng))
    s.end("stop_sequence", "\n4.")
    s.write()


def refusal():
    s = Stream("refusal", 808, input_tokens=57)
    s.start()
    s.text_block(0, tokens("I can't help with creating malware or instructions to break into systems you don't own, but I can explain how to", s.rng))
    s.end("refusal", extra_delta={"stop_details": {"type": "refusal", "category": "cyber", "explanation": None}})
    s.write()


def pings():
    s = Stream("pings", 909, input_tokens=20)
    s.start()
    s.ping()
    s.block_start(0, {"type": "text", "text": ""})
    s.ping()
    for i, p in enumerate(tokens("Pings can arrive anywhere in the stream: before the first block, between deltas, and right before the end.", s.rng)):
        if i % 3 == 2:
            s.ping()
        s.delta(0, {"type": "text_delta", "text": p})
    s.block_stop(0)
    s.ping()
    s.end()
    s.write()


def padded_json():
    s = Stream("padded-json", 1010, input_tokens=22)
    s.pad_events = {"message_stop", "content_block_stop", "message_delta"}
    s.start()
    s.text_block(0, tokens("Some servers pad the JSON with spaces before the final brace, and a reader must not care at all.", s.rng))
    s.end()
    s.write()


def crlf_keepalive():
    s = Stream("crlf-keepalive", 1111, input_tokens=26, eol="\r\n")
    s.start()
    s.comment("keep-alive")
    s.block_start(0, {"type": "text", "text": ""})
    for i, p in enumerate(tokens("A proxy re-encoded these line endings as CRLF and slipped keep-alive comments between the events ☕.", s.rng)):
        if i % 4 == 3:
            s.comment("keep-alive")
        s.delta(0, {"type": "text_delta", "text": p})
    s.block_stop(0)
    s.comment("keep-alive")
    s.end()
    s.write(headers_extra={"via": "1.1 corporate-proxy"})


def unknown_types():
    s = Stream("unknown-types", 1212, input_tokens=31)
    s.start()
    s.frame("message_annotation", {"type": "message_annotation", "annotation": {"kind": "safety_check", "passed": True}})
    s.block_start(0, {"type": "text", "text": ""})
    for i, p in enumerate(tokens("Future event and delta types must be ignored by a client, and the text around them must stay intact.", s.rng)):
        s.delta(0, {"type": "text_delta", "text": p})
        if i == 3:
            s.frame("content_block_delta", {"type": "content_block_delta", "index": 0,
                                            "delta": {"type": "sparkle_delta", "sparkle": {"intensity": 0.7, "glyph": "✨"}}})
        if i == 6:
            s.frame("content_block_progress", {"type": "content_block_progress", "index": 0, "progress": 0.5})
    s.block_stop(0)
    s.end()
    s.write()


def error_midstream():
    s = Stream("error-midstream", 1313, input_tokens=44)
    s.start()
    s.block_start(0, {"type": "text", "text": ""})
    for p in tokens("The migration plan has four phases. First, we snapshot the database and verify the backup. Second, we", s.rng):
        s.delta(0, {"type": "text_delta", "text": p})
    s.frame("error", {"type": "error", "error": {"details": None, "type": "overloaded_error", "message": "Overloaded"},
                      "request_id": s.req_id})
    s.write()


def error_first():
    # Overloaded at the start: a 200 whose whole body is one padded error frame (WIRE.md "More facts").
    s = Stream("error-first", 1616, input_tokens=18)
    s.pad_events = {"error"}
    s.frame("error", {"type": "error", "error": {"details": None, "type": "overloaded_error", "message": "Overloaded"},
                      "request_id": s.req_id})
    s.write()


def realistic_timing():
    s = Stream("realistic-timing", 1414, input_tokens=64)
    s.start()
    s.block_start(0, {"type": "text", "text": ""})
    s.ping()
    text = ("Streaming feels fast because the first token arrives quickly, about three hundred milliseconds after the "
            "request, and the rest follows every ten to sixty milliseconds. A client that buffers the whole response "
            "loses that advantage, and one that stops reading early may leave the server generating tokens nobody reads.")
    for p in tokens(text, s.rng, 1, 2):
        s.delta(0, {"type": "text_delta", "text": p})
    s.block_stop(0)
    s.end()
    s.write(s.timeline(first_ms=258.3, gap=(10, 60)))


def many_blocks():
    s = Stream("multi-tool", 1515, input_tokens=980)
    s.start()
    s.text_block(0, tokens("I'll look up both files in parallel, then compare their sizes and tell you which one is larger.", s.rng))
    idx = 1
    for name, payload in [("read_file", {"path": "src/main.rs", "max_bytes": 65536}),
                          ("read_file", {"path": "docs/日本語.md", "max_bytes": 4096})]:
        s.block_start(idx, {"type": "tool_use", "id": ident(s.rng, "toolu_01"), "name": name, "input": {}})
        full = js(payload)
        pieces = [""]
        i = 0
        while i < len(full):
            n = s.rng.randint(3, 11)
            pieces.append(full[i:i + n])
            i += n
        for p in pieces:
            s.delta(idx, {"type": "input_json_delta", "partial_json": p})
        s.block_stop(idx)
        idx += 1
    s.end("tool_use")
    s.write()


def citations():
    s = Stream("citations", 1717, input_tokens=2140)
    s.start()
    s.block_start(0, {"type": "text", "text": ""})
    for p in tokens("According to the handbook, the service level objective for the public API is 99.9 percent monthly availability, measured at the load balancer.", s.rng):
        s.delta(0, {"type": "text_delta", "text": p})
    s.delta(0, {"type": "citations_delta", "citation": {
        "type": "char_location", "cited_text": "The public API targets 99.9% monthly availability, measured at the load balancer.",
        "document_index": 0, "document_title": "Operations handbook", "start_char_index": 1204, "end_char_index": 1286}})
    s.output_tokens -= 1  # a citation is not a generated token
    s.block_stop(0)
    s.block_start(1, {"type": "text", "text": ""})
    for p in tokens(" Planned maintenance windows are excluded from that figure, as the handbook also notes in its appendix on incident reviews.", s.rng):
        s.delta(1, {"type": "text_delta", "text": p})
    s.delta(1, {"type": "citations_delta", "citation": {
        "type": "char_location", "cited_text": "Planned maintenance is excluded from availability figures.",
        "document_index": 0, "document_title": "Operations handbook", "start_char_index": 5310, "end_char_index": 5368}})
    s.output_tokens -= 1
    s.block_stop(1)
    s.end()
    s.write()


def server_tool():
    s = Stream("server-tool", 1818, input_tokens=2310)
    s.start()
    s.text_block(0, tokens("I'll search the web for the latest release notes of the .NET runtime to answer that.", s.rng))
    sid = ident(s.rng, "srvtoolu_01")
    s.block_start(1, {"type": "server_tool_use", "id": sid, "name": "web_search", "input": {}})
    for p in ["", "{\"query\": \"", ".NET 10 rel", "ease notes r", "untime\"}"]:
        s.delta(1, {"type": "input_json_delta", "partial_json": p})
    s.block_stop(1)
    # Server tool results arrive whole in content_block_start, with no deltas.
    s.block_start(2, {"type": "web_search_tool_result", "tool_use_id": sid, "content": [
        {"type": "web_search_result", "title": ".NET 10 release notes", "url": "https://example.com/dotnet/10/release-notes",
         "encrypted_content": "Eq" + "".join(s.rng.choice(B62) for _ in range(120)), "page_age": "November 11, 2025"},
        {"type": "web_search_result", "title": "What's new in the .NET 10 runtime", "url": "https://example.com/dotnet/10/runtime",
         "encrypted_content": "Eq" + "".join(s.rng.choice(B62) for _ in range(120)), "page_age": None}]})
    s.block_stop(2)
    s.block_start(3, {"type": "text", "text": ""})
    for p in tokens("The release notes list faster startup, smaller container images and new SSE parsing APIs in the runtime libraries.", s.rng):
        s.delta(3, {"type": "text_delta", "text": p})
    s.delta(3, {"type": "citations_delta", "citation": {
        "type": "web_search_result_location", "cited_text": "faster startup, smaller container images",
        "encrypted_index": "Eo" + "".join(s.rng.choice(B62) for _ in range(40)), "title": ".NET 10 release notes",
        "url": "https://example.com/dotnet/10/release-notes"}})
    s.output_tokens -= 1
    s.block_stop(3)
    s.frame("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                              "usage": {"output_tokens": s.output_tokens, "server_tool_use": {"web_search_requests": 1}}})
    s.frame("message_stop", {"type": "message_stop"})
    s.write()


def refusal_details():
    s = Stream("refusal-details", 1919, input_tokens=61)
    s.start()
    s.text_block(0, tokens("I understand you are curious about how this pathogen spreads, but I can't give step-by-step guidance on", s.rng))
    s.end("refusal", extra_delta={"stop_details": {"type": "refusal", "category": "bio",
                                                   "explanation": "The request asks for details that could enable serious harm."}})
    s.write()


def pause_turn():
    s = Stream("pause-turn", 2020, input_tokens=1880)
    s.start()
    s.text_block(0, tokens("I have started a long-running search across several sources and will continue where I left off in the next turn.", s.rng))
    s.end("pause_turn")
    s.write()


def context_window():
    s = Stream("context-window", 2121, input_tokens=199200)
    s.start()
    s.text_block(0, tokens("Summary of the remaining chapters: chapter twelve returns to the harbour town, where the two brothers finally", s.rng))
    s.end("model_context_window_exceeded")
    s.write()


def thinking_omitted():
    # thinking.display "omitted": the block opens, one signature_delta, no thinking_delta (WIRE.md "More facts").
    s = Stream("thinking-omitted", 2222, input_tokens=88)
    s.start()
    s.block_start(0, {"type": "thinking", "thinking": "", "signature": ""})
    s.delta(0, {"type": "signature_delta", "signature": "Eq" + "".join(s.rng.choice(B62 + "+/") for _ in range(280)) + "=="})
    s.block_stop(0)
    s.text_block(1, tokens("The answer is 42: I checked the sum twice, once forwards and once backwards, and both ways agree 👍.", s.rng))
    s.end()
    s.write()


def long_thinking_pings():
    # A thinking phase carried by pings only; the timeline keeps the real spacing (15-30 s between pings).
    s = Stream("long-thinking-pings", 2323, input_tokens=140)
    s.start()
    s.block_start(0, {"type": "thinking", "thinking": "", "signature": ""})
    for _ in range(4):
        s.ping()
    s.delta(0, {"type": "signature_delta", "signature": "Eq" + "".join(s.rng.choice(B62 + "+/") for _ in range(280)) + "=="})
    s.block_stop(0)
    s.text_block(1, tokens("After a long think: the schedule works if the Tuesday meeting moves to Thursday morning and the review starts an hour later.", s.rng))
    s.end()
    rng = s.rng
    t = rng.uniform(280, 380)
    timeline, offset, pings_seen = [], 0, 0
    for i, (f, kind) in enumerate(s.frames):
        if i > 0:
            if f.startswith(b"event: ping"):
                t += rng.uniform(15000, 30000)
                pings_seen += 1
            elif pings_seen and kind == "token" and timeline and b"signature_delta" in f:
                t += rng.uniform(2000, 9000)  # the signature arrives when thinking ends
            elif kind == "token":
                t += rng.uniform(10, 60)
            else:
                t += rng.uniform(0.2, 3.0)
        timeline.append({"offset": offset, "atMs": round(t, 1)})
        offset += len(f)
    s.write(timeline)


if __name__ == "__main__":
    for f in [text_short, text_long_cjk, tool_use, thinking, redacted_thinking, max_tokens, stop_sequence, refusal,
              pings, padded_json, crlf_keepalive, unknown_types, error_midstream, realistic_timing, many_blocks,
              error_first, citations, server_tool, refusal_details, pause_turn, context_window, thinking_omitted,
              long_thinking_pings]:
        f()
