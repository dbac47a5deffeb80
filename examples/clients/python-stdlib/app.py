"""A streaming Messages client on the Python standard library only, written as most Python apps are: urllib,
`for line in response`, print each text delta as it arrives. No result file: TinyAgent Harness judges it from
its stdout (the text) and its exit code (an uncaught exception exits 1)."""
import json
import os
import urllib.request

base_url = os.environ.get("ANTHROPIC_BASE_URL", "https://api.anthropic.com")
request = urllib.request.Request(
    f"{base_url}/v1/messages",
    data=json.dumps({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "stream": True,
        "messages": [{"role": "user", "content": "Hello"}],
    }).encode("utf-8"),
    headers={
        "content-type": "application/json",
        "x-api-key": os.environ["ANTHROPIC_API_KEY"],
        "anthropic-version": "2023-06-01",
    },
)

with urllib.request.urlopen(request, timeout=30) as response:
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line.startswith("data:"):
            continue
        event = json.loads(line[len("data:"):])
        if event["type"] == "content_block_delta" and event["delta"]["type"] == "text_delta":
            print(event["delta"]["text"], end="", flush=True)
        elif event["type"] == "error":
            raise RuntimeError(f"{event['error']['type']}: {event['error']['message']}")
