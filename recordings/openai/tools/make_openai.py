#!/usr/bin/env python3
"""Writes the OpenAI recordings (recordings/openai/*.sse + *.meta.json) deterministically.

Built from the facts in WIRE-OPENAI.md (the harness workspace's shared wire notes; each quirk's section is named in
recordings/openai/README.md). The committed files are the artefact; this script only documents how they were made.
Run from the repository root: python3 recordings/openai/tools/make_openai.py
Then check them: python3 recordings/openai/tools/check.py
"""
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEX = "0123456789abcdef"


def js(obj):
    """Compact JSON with raw UTF-8, as the API writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def rand(rng, alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


def words(text, rng, lo=1, hi=2):
    """Splits text into pieces of lo-hi words, each but the first with its leading space, as tokens arrive."""
    ws = text.split(" ")
    out, i = [], 0
    while i < len(ws):
        n = rng.randint(lo, hi)
        piece = " ".join(ws[i:i + n])
        out.append(piece if i == 0 else " " + piece)
        i += n
    return out


def cut(text, rng, lo=2, hi=9):
    """Cuts text anywhere (inside strings, numbers, keys): how tool-call arguments arrive."""
    out, i = [], 0
    while i < len(text):
        n = rng.randint(lo, hi)
        out.append(text[i:i + n])
        i += n
    return out


def headers(rng, request_id, processing_ms):
    """The API's response headers for a stream (WIRE-OPENAI.md, Chat Completions: auth and headers)."""
    return {
        "content-type": "text/event-stream; charset=utf-8",
        "x-request-id": request_id,
        "openai-processing-ms": str(processing_ms),
        "openai-version": "2020-10-01",
        "openai-organization": "user-" + rand(rng, B62.lower()[10:] + "0123456789", 24),
        "x-ratelimit-limit-requests": "10000",
        "x-ratelimit-limit-tokens": "30000000",
        "x-ratelimit-remaining-requests": "9999",
        "x-ratelimit-remaining-tokens": str(29999990 - rng.randint(0, 400)),
        "x-ratelimit-reset-requests": "6ms",
        "x-ratelimit-reset-tokens": "0s",
    }


class Recording:
    def __init__(self, name, seed):
        self.name = name
        self.rng = random.Random(seed)
        self.frames = []  # (bytes, kind) kind: 'token' (a generated piece) | 'other'
        self.request_id = "req_" + rand(self.rng, HEX, 32)

    def add(self, raw, kind="other"):
        self.frames.append((raw.encode("utf-8"), kind))

    def timeline(self, first_ms=None, gap=(12, 55), split_share=0.0, pauses=None):
        """One read per frame at realistic times (first token after 250-450 ms, then 12-55 ms apart); some frames
        arrive in two reads, cut anywhere, as the network does; `pauses` adds ms before the frames it names."""
        rng = self.rng
        t = first_ms if first_ms is not None else rng.uniform(250, 450)
        out, offset, seen_token = [], 0, False
        for i, (f, kind) in enumerate(self.frames):
            if i > 0:
                t += rng.uniform(*gap) if kind == "token" and seen_token else rng.uniform(0.3, 3.0) if kind != "token" else rng.uniform(25, 70)
            t += (pauses or {}).get(i, 0)
            seen_token |= kind == "token"
            out.append({"offset": offset, "atMs": round(t, 1)})
            if len(f) > 60 and rng.random() < split_share:
                t += rng.uniform(0.1, 2.0)
                out.append({"offset": offset + rng.randint(10, len(f) - 10), "atMs": round(t, 1)})
            offset += len(f)
        return out

    def write(self, processing_ms, timeline=None):
        body = b"".join(f for f, _ in self.frames)
        with open(os.path.join(OUT, self.name + ".sse"), "wb") as fh:
            fh.write(body)
        tl = timeline if timeline is not None else self.timeline()
        hdrs = headers(self.rng, self.request_id, processing_ms)
        with open(os.path.join(OUT, self.name + ".meta.json"), "w", encoding="utf-8", newline="\n") as fh:
            head = json.dumps({"status": 200, "headers": hdrs}, indent=2, ensure_ascii=False)
            entries = ",\n".join("    " + js(c) for c in tl)
            fh.write(head[:-2] + ',\n  "timeline": [\n' + entries + "\n  ]\n}\n")


# ---------------------------------------------------------------------------------------------- Chat Completions

class Chat(Recording):
    """data-only frames, every chunk repeating id, object, created, model (WIRE-OPENAI.md, Chat Completions: Chunk)."""

    def __init__(self, name, seed, model="gpt-4o-2024-08-06", created=1756108800, usage=False, obfuscation=False,
                 fingerprint=True, service_tier=True, compatible=False):
        super().__init__(name, seed)
        rng = self.rng
        self.id = ("chatcmpl-" + rand(rng, HEX, 32)) if compatible else ("chatcmpl-" + "C" + rand(rng, B62, 28))
        self.created = created + rng.randint(0, 86400)
        self.model = model
        self.fp = ("fp_" + rand(rng, HEX, 10)) if fingerprint else None
        self.service_tier = service_tier
        self.usage = usage
        self.obfuscation = obfuscation
        self.completion_tokens = 0

    def head(self):
        h = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model}
        if self.service_tier:
            h["service_tier"] = "default"
        if self.fp is not None:
            h["system_fingerprint"] = self.fp
        return h

    def chunk(self, delta, finish_reason=None, kind="other"):
        c = self.head()
        c["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
        if self.usage:
            c["usage"] = None
        if self.obfuscation:
            c["obfuscation"] = rand(self.rng, B62, self.rng.randint(2, 14))
        self.data(c, kind)
        if kind == "token":
            self.completion_tokens += 1

    def data(self, obj, kind="other", raw=None):
        self.add(f"data: {raw if raw is not None else js(obj)}\n\n", kind)

    def role(self, **extra):
        self.chunk({"role": "assistant", "content": "", "refusal": None, **extra})

    def text(self, pieces):
        for p in pieces:
            self.chunk({"content": p}, kind="token")

    def finish(self, reason):
        self.chunk({}, reason)

    def usage_chunk(self, prompt_tokens):
        c = self.head()
        c["choices"] = []
        c["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": self.completion_tokens,
                      "total_tokens": prompt_tokens + self.completion_tokens,
                      "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                    "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}
        if self.obfuscation:
            c["obfuscation"] = rand(self.rng, B62, self.rng.randint(2, 14))
        self.data(c)

    def done(self):
        self.add("data: [DONE]\n\n")


def chat_text():
    s = Chat("chat-text", 3101)
    s.role()
    s.text(words("Server-Sent Events keep one HTTP response open and send each piece of the answer as soon as it "
                 "exists. A client reads the body as it arrives, splits it into frames at blank lines, and joins "
                 "the content deltas in order. The stream ends with a finish_reason, then a final [DONE] marker 🎉.",
                 s.rng, 1, 2))
    s.finish("stop")
    s.done()
    s.write(201, s.timeline(split_share=0.12))


def chat_parallel_tools():
    # Two calls, index 0 and 1; the first piece of each carries id, type, name and arguments ""; later pieces only
    # index and a fragment cut anywhere (WIRE-OPENAI.md, Chat Completions: Tool calls).
    s = Chat("chat-parallel-tools", 3202)
    calls = [("get_weather", '{"city":"São Paulo","lat":-23.5505,"lon":-46.6333,"unit":"celsius"}'),
             ("get_weather", '{"city":"Zürich","lat":47.3769,"lon":8.5417,"unit":"celsius"}')]
    for index, (name, args) in enumerate(calls):
        first = {"index": index, "id": "call_" + rand(s.rng, B62, 24), "type": "function",
                 "function": {"name": name, "arguments": ""}}
        if index == 0:
            s.chunk({"role": "assistant", "content": None, "tool_calls": [first], "refusal": None})
        else:
            s.chunk({"tool_calls": [first]})
        for piece in cut(args, s.rng, 3, 11):
            s.chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, kind="token")
    s.finish("tool_calls")
    s.done()
    s.write(388)


def chat_length():
    # max_tokens reached: the last chunk says finish_reason "length"; nothing else looks different
    # (WIRE-OPENAI.md, Chat Completions: finish_reason).
    s = Chat("chat-length", 3303)
    s.role()
    s.text(words("Once upon a time, in a harbour town where the fog never fully lifted, there lived a lighthouse "
                 "keeper who wrote one letter every night to a sister she had not seen in", s.rng, 1, 2))
    s.finish("length")
    s.done()
    s.write(174)


def chat_usage():
    # stream_options.include_usage: "usage": null on every chunk, then one "choices": [] chunk with usage just before
    # [DONE]; "obfuscation" padding on every chunk (WIRE-OPENAI.md, Chat Completions: Usage).
    s = Chat("chat-usage", 3404, usage=True, obfuscation=True)
    s.role()
    s.text(words("Token counts arrive in one extra chunk after the finish_reason, with an empty choices list, "
                 "and only when the request asked for them.", s.rng, 1, 2))
    s.finish("stop")
    s.usage_chunk(19)
    s.done()
    s.write(143)


FILTER_SAFE = {"hate": {"filtered": False, "severity": "safe"}, "self_harm": {"filtered": False, "severity": "safe"},
               "sexual": {"filtered": False, "severity": "safe"}, "violence": {"filtered": False, "severity": "safe"}}


def chat_azure_filter():
    # Azure OpenAI: the first chunk has "choices": [] and prompt_filter_results (and empty id, model, object,
    # created 0); keys are written in alphabetical order; with the asynchronous content filter, filter annotations
    # come later in chunks of their own that carry no delta (empty id, created 0), one of them after the
    # finish_reason; the stream ends normally (WIRE-OPENAI.md, Chat Completions: Azure; captured shapes:
    # AbanteAI/mentat #429, langchain-ai/langchain #18977, uezo/aiavatarkit #124).
    s = Chat("chat-azure-filter", 3505, model="gpt-4o-2024-11-20")

    def azure(obj):
        s.data(json.loads(json.dumps(obj), object_pairs_hook=lambda kv: dict(sorted(kv))),
               "token" if any("delta" in c and c["delta"].get("content") for c in obj.get("choices", [])) else "other")

    azure({"choices": [], "created": 0, "id": "", "model": "", "object": "",
           "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {
               **FILTER_SAFE, "jailbreak": {"filtered": False, "detected": False}}}]})

    def chunk(delta, finish_reason=None):
        azure({"choices": [{"content_filter_results": {}, "delta": delta, "finish_reason": finish_reason, "index": 0,
                            "logprobs": None}],
               "created": s.created, "id": s.id, "model": s.model, "object": "chat.completion.chunk",
               "system_fingerprint": s.fp})

    def annotation(check, start, end):
        azure({"choices": [{"content_filter_offsets": {"check_offset": check, "start_offset": start, "end_offset": end},
                            "content_filter_results": FILTER_SAFE, "finish_reason": None, "index": 0}],
               "created": 0, "id": "", "model": "", "object": ""})

    chunk({"content": "", "refusal": None, "role": "assistant"})
    pieces = words("Azure runs a content filter beside the model. Its verdicts arrive in chunks of their own, so a "
                   "reader must skip any chunk without a delta and keep the text it already has.", s.rng, 1, 2)
    sent = 0
    for i, p in enumerate(pieces):
        chunk({"content": p})
        if i == 11:
            total = len("".join(pieces[:i + 1]).encode("utf-8"))
            annotation(0, 0, total)
            sent = total
    chunk({}, "stop")
    annotation(sent, sent, len("".join(pieces).encode("utf-8")))
    s.done()
    s.write(512)


def chat_error_midstream():
    # vLLM: an exception after the 200 becomes data: {"error": {...}} (json.dumps, so with spaces) and then
    # data: [DONE]; no finish_reason (WIRE-OPENAI.md, Chat Completions: Errors inside a 200 stream).
    s = Chat("chat-error-midstream", 3606, model="meta-llama/Llama-3.1-8B-Instruct", fingerprint=False,
             service_tier=False, compatible=True)
    s.chunk({"role": "assistant", "content": ""})
    s.text(words("The migration has three steps. First, take a snapshot of the database and verify that it "
                 "restores. Second, switch the", s.rng, 1, 2))
    s.data(None, raw=json.dumps({"error": {
        "message": "EngineCore encountered an issue. See stack trace (above) for the root cause.",
        "type": "InternalServerError", "param": None, "code": 500}}))
    s.done()
    s.write(96)


# ---------------------------------------------------------------------------------------------- Responses

class Responses(Recording):
    """event: + data: frames; the JSON repeats type and carries sequence_number from 0 up by one
    (WIRE-OPENAI.md, Responses: Framing)."""

    def __init__(self, name, seed, model="gpt-4.1-2025-04-14", created=1756108800, tools=None, reasoning=None,
                 max_output_tokens=None):
        super().__init__(name, seed)
        rng = self.rng
        self.created = created + rng.randint(0, 86400)
        self.tail = rand(rng, HEX, 16)  # ids of one response share their last 16 hex digits
        self.id = self.ident("resp_")
        self.seq = 0
        self.output = []
        self.response = {
            "id": self.id, "object": "response", "created_at": self.created, "status": "in_progress",
            "background": False, "error": None, "incomplete_details": None, "instructions": None,
            "max_output_tokens": max_output_tokens, "max_tool_calls": None, "model": model, "output": [],
            "parallel_tool_calls": True, "previous_response_id": None, "prompt_cache_key": None,
            "reasoning": reasoning or {"effort": None, "summary": None}, "safety_identifier": None,
            "service_tier": "auto", "store": True, "temperature": 1.0,
            "text": {"format": {"type": "text"}, "verbosity": "medium"}, "tool_choice": "auto", "tools": tools or [],
            "top_logprobs": 0, "top_p": 1.0, "truncation": "disabled", "usage": None, "user": None, "metadata": {}}

    def ident(self, prefix):
        return prefix + format(self.created, "x") + rand(self.rng, HEX, 24) + self.tail

    def event(self, type, kind="other", **fields):
        obj = {"type": type, "sequence_number": self.seq, **fields}
        self.seq += 1
        self.add(f"event: {type}\ndata: {js(obj)}\n\n", kind)

    def snapshot(self, **changes):
        r = dict(self.response, **changes)
        return json.loads(js(r))

    def start(self):
        self.event("response.created", response=self.snapshot())
        self.event("response.in_progress", response=self.snapshot())

    def message(self, pieces, status="completed"):
        """A message item at the next output index, its text streamed as output_text.delta (WIRE-OPENAI.md,
        Responses: Text)."""
        index, mid = len(self.output), self.ident("msg_")
        self.event("response.output_item.added", output_index=index,
                   item={"id": mid, "type": "message", "status": "in_progress", "content": [], "role": "assistant"})
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        self.event("response.content_part.added", item_id=mid, output_index=index, content_index=0, part=part)
        for p in pieces:
            self.event("response.output_text.delta", "token", item_id=mid, output_index=index, content_index=0,
                       delta=p, logprobs=[])
        text = "".join(pieces)
        self.event("response.output_text.done", item_id=mid, output_index=index, content_index=0, text=text,
                   logprobs=[])
        done_part = dict(part, text=text)
        self.event("response.content_part.done", item_id=mid, output_index=index, content_index=0, part=done_part)
        item = {"id": mid, "type": "message", "status": status, "content": [done_part], "role": "assistant"}
        self.event("response.output_item.done", output_index=index, item=item)
        self.output.append(item)

    def usage(self, input_tokens, output_tokens, reasoning_tokens=0):
        return {"input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": output_tokens, "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
                "total_tokens": input_tokens + output_tokens}

    def end(self, type, status, **changes):
        self.event(type, response=self.snapshot(status=status, output=self.output, service_tier="default", **changes))


def responses_text():
    s = Responses("responses-text", 4101)
    s.start()
    pieces = words("Responses streams are typed: every frame names its event, and the JSON repeats that type with a "
                   "sequence number. Text arrives as output_text deltas, and the stream ends with response.completed, "
                   "which carries the whole response and its usage ✅.", s.rng, 1, 2)
    s.message(pieces)
    s.end("response.completed", "completed", usage=s.usage(21, len(pieces) + 2))
    s.write(164, s.timeline(split_share=0.12))


WEATHER_TOOL = {"type": "function", "description": "Get the current weather for a city.", "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                                                                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                               "required": ["city", "unit"], "additionalProperties": False}, "strict": True}


def responses_function_call():
    # A function_call item: arguments "" when added, then function_call_arguments.delta pieces cut anywhere, then
    # .done with the whole arguments and no name (as captured streams), then output_item.done
    # (WIRE-OPENAI.md, Responses: Function calls).
    s = Responses("responses-function-call", 4202, tools=[WEATHER_TOOL])
    s.start()
    fid, call_id = s.ident("fc_"), "call_" + rand(s.rng, B62, 24)
    args = '{"city":"Reykjavík","unit":"celsius"}'
    s.event("response.output_item.added", output_index=0,
            item={"id": fid, "type": "function_call", "status": "in_progress", "arguments": "", "call_id": call_id,
                  "name": "get_weather"})
    for piece in cut(args, s.rng, 2, 7):
        s.event("response.function_call_arguments.delta", "token", item_id=fid, output_index=0, delta=piece)
    s.event("response.function_call_arguments.done", item_id=fid, output_index=0, arguments=args)
    item = {"id": fid, "type": "function_call", "status": "completed", "arguments": args, "call_id": call_id,
            "name": "get_weather"}
    s.event("response.output_item.done", output_index=0, item=item)
    s.output.append(item)
    s.end("response.completed", "completed", usage=s.usage(62, 18))
    s.write(411)


def responses_reasoning():
    # A reasoning item whose summary streams as reasoning_summary_part.added, reasoning_summary_text.delta ...,
    # .done, reasoning_summary_part.done (two parts), then a message (WIRE-OPENAI.md, Responses: Reasoning).
    s = Responses("responses-reasoning", 4303, model="o4-mini-2025-04-16",
                  reasoning={"effort": "medium", "summary": "detailed"})
    s.start()
    rid = s.ident("rs_")
    s.event("response.output_item.added", output_index=0, item={"id": rid, "type": "reasoning", "summary": []})
    thinking = len(s.frames)  # the frame after which the model thinks before its summary starts
    summaries = ["**Computing the product**\n\nThe user wants 27 × 453. Split it: 27 × 400 = 10800, 27 × 50 = 1350, "
                 "27 × 3 = 81, so 10800 + 1350 + 81 = 12231.",
                 "**Double-checking**\n\nAnother way: 453 × 30 = 13590, minus 453 × 3 = 1359, gives 12231. Both agree."]
    done_summary = []
    for si, summary in enumerate(summaries):
        s.event("response.reasoning_summary_part.added", item_id=rid, output_index=0, summary_index=si,
                part={"type": "summary_text", "text": ""})
        for piece in words(summary, s.rng, 1, 3):
            s.event("response.reasoning_summary_text.delta", "token", item_id=rid, output_index=0, summary_index=si,
                    delta=piece)
        s.event("response.reasoning_summary_text.done", item_id=rid, output_index=0, summary_index=si, text=summary)
        s.event("response.reasoning_summary_part.done", item_id=rid, output_index=0, summary_index=si,
                part={"type": "summary_text", "text": summary})
        done_summary.append({"type": "summary_text", "text": summary})
    item = {"id": rid, "type": "reasoning", "summary": done_summary}
    s.event("response.output_item.done", output_index=0, item=item)
    s.output.append(item)
    s.message(words("27 × 453 = **12,231**. I split 453 into 400 + 50 + 3 and checked it as 453 × 30 − 453 × 3.",
                    s.rng, 1, 2))
    s.end("response.completed", "completed", usage=s.usage(34, 412, reasoning_tokens=384))
    # The model reasons for about two seconds before the summary starts.
    s.write(2874, s.timeline(pauses={thinking: 2150.0}))


def responses_incomplete():
    # max_output_tokens reached: the message item ends "incomplete", then response.incomplete with
    # incomplete_details.reason "max_output_tokens" (WIRE-OPENAI.md, Responses: Endings).
    s = Responses("responses-incomplete", 4404, max_output_tokens=32)
    s.start()
    s.message(words("The three largest moons of Jupiter are Ganymede, Callisto and Io. Ganymede is larger than the "
                    "planet Mercury and is the only moon known to have its own", s.rng, 1, 1), status="incomplete")
    s.end("response.incomplete", "incomplete", incomplete_details={"reason": "max_output_tokens"},
          usage=s.usage(17, 32))
    s.write(139)


def responses_failed():
    # The response fails after some text: response.failed with status "failed" and response.error {code, message};
    # the message never finishes (WIRE-OPENAI.md, Responses: Endings).
    s = Responses("responses-failed", 4505)
    s.start()
    mid = s.ident("msg_")
    s.event("response.output_item.added", output_index=0,
            item={"id": mid, "type": "message", "status": "in_progress", "content": [], "role": "assistant"})
    s.event("response.content_part.added", item_id=mid, output_index=0, content_index=0,
            part={"type": "output_text", "annotations": [], "logprobs": [], "text": ""})
    for p in words("To rotate the keys without downtime, first add the new key alongside the old one, then", s.rng, 1, 2):
        s.event("response.output_text.delta", "token", item_id=mid, output_index=0, content_index=0, delta=p,
                logprobs=[])
    s.end("response.failed", "failed", error={
        "code": "server_error",
        "message": "An error occurred while processing your request. You can retry your request, or contact us "
                   "through our help center if the error persists. Please include the request ID "
                   + s.request_id + " in your message."})
    s.write(1230)


if __name__ == "__main__":
    for f in [chat_text, chat_parallel_tools, chat_length, chat_usage, chat_azure_filter, chat_error_midstream,
              responses_text, responses_function_call, responses_reasoning, responses_incomplete, responses_failed]:
        f()
