using TinyAgent.Client;
using TinyAgent.Harness.Library;

namespace NUnitUsage;

/// <summary>
/// A test author's view: one harness session for the fixture, one scenario per test, our client (TinyAgent.Client)
/// pointed at the scenario's base URL, then the harness's verdicts asserted.
/// </summary>
[TestFixture]
public sealed class ClientResilienceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly MessageRequest Hello = new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 1024,
        Messages = [new InputMessage("user", "Hello")],
    };

    private HarnessSession _session = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartHarness()
    {
        _session = await HarnessSession.StartAsync(new HarnessSessionOptions
        {
            RecordingsFolder = FindRecordings(),
            Seed = 7,
            IdleTimeout = TimeSpan.FromSeconds(2), // the idle timeout our client is configured with, below
        }).WaitAsync(Bound);

        // Response bodies are streamed: HttpClient.Timeout would not cover them; the client's own timeouts do.
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    [OneTimeTearDown]
    public async Task StopHarness()
    {
        _http.Dispose();
        await _session.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [TestCase("split")]
    [TestCase("random:min=1,max=48")]
    public async Task Split_packets_give_the_recorded_text(string fault)
    {
        var scenario = _session.AddScenario("text-short", fault);

        var outcome = await ReadEverythingAsync(scenario.BaseUrl).WaitAsync(Bound);
        var verdicts = await _session.JudgeAsync(scenario, outcome).WaitAsync(Bound);

        // The library cannot see your client's reads: only gapped cuts (split) surely reached it as reads of their own;
        // ungapped ones may merge in the socket buffer, so they exercise nothing it can judge.
        var exercised = fault == "split" ? BugVerdictKind.Handled : BugVerdictKind.NotExercised;
        Assert.That(outcome.Text, Is.EqualTo(scenario.ExpectedText), verdicts.ToString());
        Assert.That(verdicts.SplitPacket.Verdict, Is.EqualTo(exercised), verdicts.ToString());
        Assert.That(verdicts.NoBugs, Is.True, verdicts.ToString());
    }

    [Test]
    public async Task An_injected_error_event_surfaces_as_an_error()
    {
        var scenario = _session.AddScenario("text-short", "error-event:afterEvents=5");

        var outcome = await ReadEverythingAsync(scenario.BaseUrl).WaitAsync(Bound);
        var verdicts = await _session.JudgeAsync(scenario, outcome).WaitAsync(Bound);

        Assert.That(outcome.ErrorType, Is.EqualTo("overloaded_error"), verdicts.ToString());
        Assert.That(verdicts.SilentTruncation.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
    }

    [Test]
    public async Task Giving_up_closes_the_connection()
    {
        // RunAsync binds the scenario, runs our delegate under the session's deadline, and judges it.
        var scenario = new ScenarioOptions("text-short")
        {
            Faults = ["latency:firstByteMs=0,betweenChunksMs=50"], // the stream is still flowing when we give up
            GiveUpAfterDeltas = 3,
        };

        var verdicts = await _session.RunAsync(scenario, GiveUpAsync).WaitAsync(Bound);

        Assert.That(verdicts.GhostStream.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
    }

    private MessagesClient Client(Uri baseUrl) => new(_http, new MessagesClientOptions
    {
        BaseUrl = baseUrl,
        ApiKey = "sk-ant-test-dummy",
        IdleTimeout = TimeSpan.FromSeconds(2),
        FirstByteTimeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>What our application does: stream the answer to the end and report what its user would see.</summary>
    private async Task<ClientAnswer> ReadEverythingAsync(Uri baseUrl)
    {
        await using var stream = Client(baseUrl).Stream(Hello);
        try
        {
            var message = await stream.GetFinalMessageAsync();
            return ClientAnswer.Completed(message.Text, message.StopReason);
        }
        catch (StreamErrorException e)
        {
            return ClientAnswer.Failed(e.ErrorType, e.ErrorMessage, e.PartialMessage?.Text ?? "");
        }
        catch (AnthropicException e)
        {
            return ClientAnswer.FromException(e, e.PartialMessage?.Text ?? "");
        }
    }

    /// <summary>The user navigates away after <see cref="ScenarioHandle.GiveUpAfterDeltas"/> text deltas.</summary>
    private async Task<ClientAnswer> GiveUpAsync(ScenarioHandle scenario, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        int deltas = 0;
        await using (var stream = Client(scenario.BaseUrl).Stream(Hello, cancellationToken))
        {
            await foreach (var e in stream.WithCancellation(cancellationToken))
            {
                if (e is TextDeltaEvent delta)
                {
                    text.Append(delta.Text);
                    if (++deltas == scenario.GiveUpAfterDeltas)
                    {
                        scenario.MarkGaveUp();
                        break; // leaving the loop and disposing the stream must close the connection
                    }
                }
            }
        }

        return ClientAnswer.GaveUpWith(text.ToString());
    }

    /// <summary>The repository's bundled recordings; your tests would point at your own folder.</summary>
    private static string FindRecordings()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "recordings");
            if (File.Exists(Path.Combine(dir.FullName, "TinyAgent.slnx")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"no recordings folder above {AppContext.BaseDirectory}");
    }
}
