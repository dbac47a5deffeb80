using System.Text.Json;

namespace TinyAgent.Harness.Model;

/// <summary>
/// Bad input, from any file, option or field: a config, a recording or its sidecar, a report to merge, a fault spec, a
/// listen address. <see cref="Where"/> is the file (with <c>:line:col</c> when known) or the field or option;
/// <see cref="Exception.Message"/> is the one line the CLI prints (<c>where: what</c>) before it exits 2.
/// </summary>
internal sealed class HarnessInputException : Exception
{
    public HarnessInputException(string? where, string what, Exception? inner = null)
        : base(where is null ? what : $"{where}: {what}", inner)
    {
        Where = where;
        What = what;
    }

    /// <summary>The file, <c>file:line:col</c>, field path or option the problem is in; null when the message says it.</summary>
    public string? Where { get; }

    /// <summary>What is wrong.</summary>
    public string What { get; }

    /// <summary>A JSON syntax error at its 1-based line and byte column of <paramref name="file"/>: <c>file:line:col: what: reason</c>.</summary>
    public static HarnessInputException InJson(string file, JsonException ex, string what) =>
        new($"{file}:{(ex.LineNumber ?? 0) + 1}:{(ex.BytePositionInLine ?? 0) + 1}", $"{what}: {JsonReason(ex)}", ex);

    /// <summary>The same problem seen from outside: <paramref name="outer"/> (the file or option that led here) goes in front.</summary>
    public HarnessInputException Within(string outer) => new(Where is null ? outer : $"{outer}: {Where}", What, InnerException);

    /// <summary>What a <see cref="JsonException"/> says, on one line, without the path and position it appends.</summary>
    public static string JsonReason(JsonException ex)
    {
        string m = ex.Message;
        int cut = m.IndexOf(" Path: ", StringComparison.Ordinal) is >= 0 and var p ? p : m.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut >= 0 ? m[..cut] : m).Trim().TrimEnd('.').ReplaceLineEndings(" ");
    }
}
