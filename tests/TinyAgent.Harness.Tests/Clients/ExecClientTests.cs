using System.Diagnostics;
using System.Globalization;
using System.Text;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Judges;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static TinyAgent.Harness.Tests.Clients.ClientTestContext;

namespace TinyAgent.Harness.Tests.Clients;

/// <summary>The exec contract end to end, with TinyAgent.ExecTestClient told by HARNESS_TEST_MODE how to behave.</summary>
[NonParallelizable]
internal sealed class ExecClientTests
{
    private WireMockServer _server = null!;
    private Uri _baseUrl = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = WireMockServer.Start();
        _baseUrl = new Uri($"http://127.0.0.1:{_server.Ports[0]}");
        Serve("/v1/messages", Observations.Body());
        Serve("/overloaded/v1/messages", Observations.Body(errorType: "overloaded_error"));
    }

    [OneTimeTearDown]
    public void StopServer() => _server.Stop();

    private void Serve(string path, byte[] body) =>
        _server.Given(Request.Create().WithPath(path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("content-type", "text/event-stream").WithBody(Encoding.UTF8.GetString(body)));

    /// <summary>The test client's command line, through the shell as a user would write it.</summary>
    private static ExecClient Client(string mode, string extraEnv = "")
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string dll = Path.Combine(AppContext.BaseDirectory, "TinyAgent.ExecTestClient.dll");

        // "; exit $?" keeps the shell as the parent, so the program is a grandchild: killing must take the whole tree.
        return new ExecClient($"exec-{mode}", $"HARNESS_TEST_MODE={mode} {extraEnv} '{dotnet}' '{dll}'; exit $?");
    }

    [Test]
    public async Task A_well_behaved_program_is_read_from_its_result_file()
    {
        var result = await Client("good").RunAsync(Create(_baseUrl), CancellationToken.None).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed), result.Stderr);
        Assert.That(result.Text, Is.EqualTo(Observations.FullText));
        Assert.That(result.StopReason, Is.EqualTo("end_turn"));
        Assert.That(result.ExitCode, Is.Zero);
    }

    [Test]
    public async Task A_give_up_run_passes_the_delta_count_and_the_program_gives_up()
    {
        var result = await Client("good").RunAsync(Create(_baseUrl, new ConsumerModel("give-up-2", 2), linger: TimeSpan.FromMilliseconds(50)), CancellationToken.None).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.GaveUp), result.Stderr);
        Assert.That(result.Text, Is.EqualTo("Hello, wor"));
    }

    [Test]
    public async Task An_error_in_the_result_file_is_a_failure_with_that_error()
    {
        var result = await Client("good").RunAsync(Create(new Uri(_baseUrl, "/overloaded")), CancellationToken.None).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Failed), result.Stderr);
        Assert.That(result.Error, Is.EqualTo(new ClientError("overloaded_error", "Overloaded")));
        Assert.That(result.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public async Task A_program_that_writes_no_result_file_is_reported_crashed_with_its_stderr()
    {
        var result = await Client("crash").RunAsync(Create(_baseUrl), CancellationToken.None).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Crashed));
        Assert.That(result.Error?.Message, Is.EqualTo("exited with code 3 with nothing on stdout and no HARNESS_RESULT_FILE"));
        Assert.That(result.Stderr, Does.Contain("crashing on purpose"));
    }

    [Test]
    public async Task A_malformed_result_file_is_reported_crashed_with_the_position()
    {
        var result = await Client("malformed").RunAsync(Create(_baseUrl), CancellationToken.None).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Crashed));
        Assert.That(result.Error?.Message, Does.StartWith("exited with code 0; result file is not valid JSON: line 1, byte"));
    }

    [Test]
    public async Task A_program_that_never_exits_has_its_process_tree_killed_and_is_reported_hung()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), $"harness-test-pid-{Path.GetRandomFileName()}");
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(pidFile)!, Path.GetFileName(pidFile));
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Renamed += (_, _) => written.TrySetResult();
        watcher.Created += (_, _) => written.TrySetResult();
        watcher.EnableRaisingEvents = true;
        using var deadline = new CancellationTokenSource();
        try
        {
            var run = Client("never-exit", $"HARNESS_TEST_PID_FILE='{pidFile}'").RunAsync(Create(_baseUrl), deadline.Token);
            await written.Task.WaitAsync(Wait);
            int pid = int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture);

            await deadline.CancelAsync();
            var result = await run.WaitAsync(Wait);

            Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Hung));
            Assert.That(result.Error?.Message, Is.EqualTo("process tree killed"));
            Assert.That(result.Stdout, Does.Contain("never exiting"));
            Assert.That(IsRunning(pid), Is.False, "the program (a grandchild under the shell) was killed");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    /// <summary>A killed orphan may stay a zombie until its new parent reaps it: dead all the same.</summary>
    private static bool IsRunning(int pid)
    {
        string stat = $"/proc/{pid}/stat";
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                string text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
