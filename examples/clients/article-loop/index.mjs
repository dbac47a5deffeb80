// The article's streaming loop as the article writes it (iterate the body with for await, decode, buffer, split on
// "\n\n", keep the last piece with pop(), parse the data: line, print delta.text, note stop_reason from message_delta),
// with no result file and no error handling: TinyAgent Harness judges it from what it prints and its exit code.
// Only the URL and the key are adapted: ANTHROPIC_BASE_URL and the harness's dummy ANTHROPIC_API_KEY. Node >= 20.
const response = await fetch(`${process.env.ANTHROPIC_BASE_URL}/v1/messages`, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    "x-api-key": process.env.ANTHROPIC_API_KEY,
    "anthropic-version": "2023-06-01",
  },
  body: JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    stream: true,
    messages: [{ role: "user", content: "Hello" }],
  }),
});

const decoder = new TextDecoder();
let buffer = "";
let stopReason = null;

for await (const chunk of response.body) {
  buffer += decoder.decode(chunk, { stream: true });
  const messages = buffer.split("\n\n");
  buffer = messages.pop() ?? "";

  for (const message of messages) {
    const dataLine = message.split("\n").find((line) => line.startsWith("data: "));
    if (!dataLine) continue;
    const data = JSON.parse(dataLine.slice(6));

    if (data.type === "content_block_delta" && data.delta.type === "text_delta") {
      process.stdout.write(data.delta.text);
    }

    if (data.type === "message_delta") {
      stopReason = data.delta.stop_reason;
    }
  }
}
