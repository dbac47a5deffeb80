using System.Text.Json;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Config;

/// <summary>
/// Reads <c>harness.json</c> with errors that name the file and the line and column (syntax) or the
/// field path (meaning). Unknown properties are errors, so a typo never silently changes a suite.
/// </summary>
internal static class ConfigLoader
{
    private static readonly string[] TopLevel =
        ["seed", "recordings", "execRecordings", "scenarios", "clients", "consumers", "timeouts", "parallelism", "reports", "expectations", "redactHeaders"];

    public static HarnessConfig Load(string path)
    {
        string display = System.IO.Path.GetFileName(path);
        if (!System.IO.File.Exists(path))
        {
            throw new HarnessInputException(path, "file not found");
        }

        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new HarnessInputException(path, $"cannot read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HarnessInputException(path, $"cannot read: {ex.Message}");
        }

        return Parse(bytes, display, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
    }

    public static HarnessConfig Parse(ReadOnlySpan<byte> json, string file, string baseDirectory)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw HarnessInputException.InJson(file, ex, "invalid JSON");
        }

        using (doc)
        {
            var root = new JsonNav(file, "", doc.RootElement).RequireObject(TopLevel);
            int seed = root.TryGet("seed", out var s) ? (int)s.Integer(int.MinValue, int.MaxValue) : 1;
            var recordings = root.Required("recordings").Array().Select(r => r.NonEmptyString()).ToList();
            if (recordings.Count == 0)
            {
                throw root.Child("recordings", doc.RootElement.GetProperty("recordings")).Error("must name at least one recording glob");
            }

            IReadOnlyList<string>? execRecordings = root.TryGet("execRecordings", out var er) ? NonEmptyList(er) : null;

            var consumers = ReadConsumers(root);
            var timeouts = ReadTimeouts(root);
            var scenarios = ReadScenarios(root.Required("scenarios"), consumers);
            var clients = ReadClients(root.Required("clients"));
            var expectations = root.TryGet("expectations", out var e) ? ReadExpectations(e, clients) : new Dictionary<string, IReadOnlyDictionary<string, Verdict>>();

            int parallelism = root.TryGet("parallelism", out var p) ? (int)p.Integer(1, 256) : 16;
            IReadOnlyList<string> formats = HarnessConfig.ReportFormatNames;
            string outDir = "reports";
            if (root.TryGet("reports", out var reports))
            {
                reports.RequireObject("formats", "out");
                if (reports.TryGet("formats", out var f))
                {
                    formats = [.. f.Array().Select(x =>
                    {
                        string name = x.String();
                        return HarnessConfig.ReportFormatNames.Contains(name)
                            ? name
                            : throw x.Error($"unknown report format '{name}' (expected one of: {string.Join(", ", HarnessConfig.ReportFormatNames)})");
                    })];
                }

                if (reports.TryGet("out", out var o))
                {
                    outDir = o.NonEmptyString();
                }
            }

            var redact = root.TryGet("redactHeaders", out var rh) ? rh.Array().Select(x => x.NonEmptyString()).ToList() : [];

            return new HarnessConfig
            {
                File = file,
                BaseDirectory = baseDirectory,
                Seed = seed,
                Recordings = recordings,
                ExecRecordings = execRecordings,
                Scenarios = scenarios,
                Clients = clients,
                Timeouts = timeouts,
                Parallelism = parallelism,
                ReportFormats = formats,
                OutDirectory = outDir,
                Expectations = expectations,
                RedactHeaders = redact,
            };
        }
    }

    /// <summary>An <c>execRecordings</c> list: names or globs, at least one (leaving it out means every recording).</summary>
    private static List<string> NonEmptyList(JsonNav nav)
    {
        var list = nav.Array().Select(x => x.NonEmptyString()).ToList();
        return list.Count > 0 ? list : throw nav.Error("must name at least one recording (leave it out to run exec clients on every recording)");
    }

    private static Dictionary<string, ConsumerModel> ReadConsumers(JsonNav root)
    {
        var consumers = new Dictionary<string, ConsumerModel>(StringComparer.Ordinal) { ["read-all"] = ConsumerModel.ReadAll };
        if (!root.TryGet("consumers", out var c))
        {
            return consumers;
        }

        foreach (var consumer in c.Properties())
        {
            consumer.RequireObject("giveUpAfterDeltas");
            int? after = consumer.TryGet("giveUpAfterDeltas", out var n) ? (int)n.Integer(1, 1_000_000) : null;
            consumers[consumer.Name] = new ConsumerModel(consumer.Name, after);
        }

        return consumers;
    }

    private static RunTimeouts ReadTimeouts(JsonNav root)
    {
        var t = new RunTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3));
        if (!root.TryGet("timeouts", out var nav))
        {
            return t;
        }

        nav.RequireObject("firstByteMs", "idleMs", "totalMs", "deadlineMs", "stallToleranceMs", "ghostBoundMs");
        TimeSpan Ms(string name, TimeSpan fallback) =>
            nav.TryGet(name, out var v) ? TimeSpan.FromMilliseconds(v.Integer(1, 3_600_000)) : fallback;

        t = new RunTimeouts(Ms("firstByteMs", t.FirstByte), Ms("idleMs", t.Idle), Ms("totalMs", t.Total), Ms("deadlineMs", t.Deadline))
        {
            StallTolerance = Ms("stallToleranceMs", t.StallTolerance),
            GhostBound = Ms("ghostBoundMs", t.GhostBound),
        };
        if (t.Deadline <= t.Idle)
        {
            throw nav.Child("deadlineMs", nav.Element.TryGetProperty("deadlineMs", out var d) ? d : default)
                .Error($"must be greater than idleMs ({t.Idle.TotalMilliseconds:0}), or a stalled client could never be judged");
        }

        return t;
    }

    private static List<ScenarioConfig> ReadScenarios(JsonNav nav, Dictionary<string, ConsumerModel> consumers)
    {
        var list = new List<ScenarioConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in nav.Array())
        {
            s.RequireObject("name", "description", "faults", "consumer", "recordings", "execRecordings");
            var nameNav = s.Required("name");
            string name = nameNav.NonEmptyString();
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9._-]*$"))
            {
                throw nameNav.Error($"'{name}' must be letters, digits, '.', '_' or '-' (it becomes part of a URL)");
            }

            if (!seen.Add(name))
            {
                throw nameNav.Error($"duplicate scenario name '{name}'");
            }

            var faults = new List<IFault>();
            var descriptions = new List<string>();
            if (s.TryGet("faults", out var f))
            {
                foreach (var fault in f.Array())
                {
                    var instance = FaultRegistry.FromJson(fault.Element, $"{fault.File}: {fault.Path}");
                    faults.Add(instance);
                    descriptions.Add(FaultRegistry.Describe(instance));
                }
            }

            var consumer = ConsumerModel.ReadAll;
            if (s.TryGet("consumer", out var c))
            {
                string cname = c.String();
                consumer = consumers.TryGetValue(cname, out var model)
                    ? model
                    : throw c.Error($"unknown consumer '{cname}' (known: {string.Join(", ", consumers.Keys)})");
            }

            IReadOnlyList<string>? recordings = s.TryGet("recordings", out var r) ? [.. r.Array().Select(x => x.NonEmptyString())] : null;
            // Empty on a scenario: exec clients skip it (its faults can reach none of them, e.g. ungapped cuts).
            IReadOnlyList<string>? execRecordings = s.TryGet("execRecordings", out var er) ? [.. er.Array().Select(x => x.NonEmptyString())] : null;
            if (s.TryGet("description", out var d))
            {
                _ = d.String(); // free text for people reading the file; only its type is checked
            }

            if (name == ScenarioConfig.ControlName && (faults.Count > 0 || consumer != ConsumerModel.ReadAll || recordings is not null))
            {
                throw nameNav.Error($"'{ScenarioConfig.ControlName}' is the control run: every client on every recording, no faults, read to the end; give it no faults, consumer or recordings (execRecordings may sample the recordings exec clients' controls run on)");
            }

            list.Add(new ScenarioConfig(name, faults, descriptions, consumer, recordings) { ExecRecordings = execRecordings });
        }

        return list.Count == 0 ? throw nav.Error("must list at least one scenario") : list;
    }

    private static List<ClientConfig> ReadClients(JsonNav nav)
    {
        var list = new List<ClientConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in nav.Array())
        {
            c.RequireObject("name", "exec", "workingDirectory", "format");
            var nameNav = c.Required("name");
            string name = nameNav.NonEmptyString();
            if (!seen.Add(name))
            {
                throw nameNav.Error($"duplicate client name '{name}'");
            }

            string? exec = c.TryGet("exec", out var e) ? e.NonEmptyString() : null;
            string? wd = c.TryGet("workingDirectory", out var w) ? w.NonEmptyString() : null;
            if (exec is null && !Clients.ClientFactory.BuiltInNames.Contains(name))
            {
                throw nameNav.Error($"unknown client '{name}': give it an \"exec\" command line, or use a built-in ({string.Join(", ", Clients.ClientFactory.BuiltInNames)})");
            }

            string format = exec is null ? Clients.ClientFactory.FormatOf(name) : Formats.WireFormats.Anthropic.Name;
            if (c.TryGet("format", out var f))
            {
                string named = f.NonEmptyString();
                if (Formats.WireFormats.Find(named) is null)
                {
                    throw f.Error($"unknown format '{named}' (known: {string.Join(", ", Formats.WireFormats.Names)})");
                }

                if (exec is null && named != format)
                {
                    throw f.Error($"the built-in client '{name}' speaks {format}, not {named}");
                }

                format = named;
            }

            list.Add(new ClientConfig(name, exec, wd, format));
        }

        return list.Count == 0 ? throw nav.Error("must list at least one client") : list;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, Verdict>> ReadExpectations(JsonNav nav, List<ClientConfig> clients)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, Verdict>>(StringComparer.Ordinal);
        foreach (var client in nav.Properties())
        {
            if (!clients.Any(c => c.Name == client.Name))
            {
                throw client.Error($"names client '{client.Name}', which is not in \"clients\"");
            }

            var bugs = new Dictionary<string, Verdict>(StringComparer.Ordinal);
            foreach (var bug in client.Properties())
            {
                if (!Bugs.All.Contains(bug.Name))
                {
                    throw bug.Error($"unknown bug '{bug.Name}' (expected one of: {string.Join(", ", Bugs.All)})");
                }

                string v = bug.String();
                bugs[bug.Name] = EnumNames.TryParse(v, out Verdict verdict)
                    ? verdict
                    : throw bug.Error($"unknown verdict '{v}' (expected handled, not-handled or not-exercised)");
            }

            result[client.Name] = bugs;
        }

        return result;
    }
}
