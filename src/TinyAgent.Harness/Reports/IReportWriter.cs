namespace TinyAgent.Harness.Reports;

/// <summary>One writer per report format. Writers render a finished <see cref="SuiteReport"/> and never judge.</summary>
internal interface IReportWriter
{
    /// <summary>The format's name in harness.json (<c>json</c>, <c>junit</c>, <c>md</c>, <c>html</c>).</summary>
    string Format { get; }

    string FileName { get; }

    void Write(SuiteReport report, Stream output);
}

internal static class ReportWriters
{
    public static IReadOnlyList<IReportWriter> All { get; } =
        [new JsonReportWriter(), new JUnitReportWriter(), new MarkdownReportWriter(), new HtmlReportWriter()];

    /// <summary>Writes each requested format into <paramref name="directory"/>, atomically. Returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(SuiteReport report, string directory, IEnumerable<string> formats)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var writer in All.Where(w => formats.Contains(w.Format)))
        {
            string path = Path.Combine(directory, writer.FileName);
            AtomicFile.Write(path, stream => writer.Write(report, stream));
            written.Add(path);
        }

        return written;
    }
}
