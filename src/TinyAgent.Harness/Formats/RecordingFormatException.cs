namespace TinyAgent.Harness.Formats;

/// <summary>Thrown by a format's reference reader when a body is not a readable stream of it; the message names the event and what is wrong.</summary>
internal sealed class RecordingFormatException(string message) : Exception(message);
