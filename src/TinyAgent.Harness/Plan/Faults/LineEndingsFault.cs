namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>line-endings</c>.</summary>
internal sealed record LineEndingsOptions : IFaultOptions
{
    public static IReadOnlyList<string> Modes { get; } = ["crlf", "cr", "lf", "mixed"];

    /// <summary>
    /// <c>crlf</c>, <c>cr</c>, <c>lf</c> or <c>mixed</c>. Default <c>crlf</c>: the re-encoding proxies really do
    /// (WIRE.md), and the one a reader that splits on <c>\n\n</c> alone misses.
    /// </summary>
    public string Mode { get; init; } = "crlf";

    public IEnumerable<string> Validate() => IFaultOptions.OneOf("mode", Mode, Modes);
}

/// <summary>
/// Wire: rewrites every line ending of the body; the stream stays valid SSE (CR, LF and CRLF each end a line), so a
/// correct reader gives the same answer. <c>mixed</c> cycles frame by frame through three shapes: field lines LF and
/// the blank line CRLF (<c>\n\r\n</c>, the shape proxies produce, openai-node PR #2309), field lines CRLF and the
/// blank line LF (<c>\r\n\n</c>), then every line a lone CR (<c>\r\r</c>). A lone CR is never followed by an LF,
/// which would read as one CRLF and swallow a blank line: a CR shape is always followed by the LF/CRLF shape, whose
/// first line is a field line (a blank-only frame there ends with CRLF, and CR then CRLF is two line ends).
/// </summary>
[Fault("line-endings", typeof(LineEndingsOptions), FaultStage.Wire)]
internal sealed class LineEndingsFault(LineEndingsOptions options) : Fault<LineEndingsOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var lines = plan.Layout.Lines;
        var output = new List<byte>(body.Length + (body.Length / 16));
        output.AddRange(body.AsSpan(0, lines.Count > 0 ? lines[0].Start : body.Length)); // a leading BOM stays first

        int frame = 0;
        string previous = "";
        foreach (var line in lines)
        {
            output.AddRange(body.AsSpan(line.Start, line.Length));
            if (line.TerminatorLength == 0)
            {
                continue; // an unfinished last line stays unfinished
            }

            string eol = Ending(frame, line.IsBlank);
            if (previous == "\r" && line.IsBlank && eol == "\n")
            {
                eol = "\r\n"; // CR then LF would be one line end: the blank line would vanish
            }

            output.AddRange(System.Text.Encoding.ASCII.GetBytes(eol));
            previous = eol;
            frame += line.IsBlank ? 1 : 0;
        }

        plan.ReplaceBody([.. output]);
        plan.Facts = plan.Facts with { WireVariants = [.. plan.Facts.WireVariants, "line-endings-" + Options.Mode] };
    }

    private string Ending(int frame, bool blank) => Options.Mode switch
    {
        "cr" => "\r",
        "lf" => "\n",
        "mixed" => (frame % 3) switch
        {
            0 => blank ? "\r\n" : "\n",
            1 => blank ? "\n" : "\r\n",
            _ => "\r",
        },
        _ => "\r\n",
    };
}
