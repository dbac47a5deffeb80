namespace TinyAgent.Harness.Model;

/// <summary>Bad input: the message is one line naming the file, position or field, and what is wrong. The CLI exits 2.</summary>
internal sealed class ConfigException(string message) : Exception(message);
