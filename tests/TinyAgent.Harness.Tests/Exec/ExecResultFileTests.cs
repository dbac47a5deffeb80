using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Exec;

/// <summary>How the result file and the exit code become a client result (no process needed).</summary>
internal sealed class ExecResultFileTests
{
    private static ClientResult Read(string? json, int exitCode, bool givesUp = false, string stdout = "")
    {
        using var folder = new TempFolder();
        string file = folder.File("result.json");
        if (json is not null)
        {
            File.WriteAllText(file, json);
        }

        return ExecClient.ReadResult(new ClientResult(), file, exitCode, givesUp, stdout);
    }

    [Test]
    public void Exit_zero_with_no_error_is_a_complete_answer()
    {
        var r = Read("""{"text":"Hi","stop_reason":"end_turn","error":null}""", 0);
        Assert.That((r.Outcome, r.Text, r.StopReason, r.Error), Is.EqualTo((ClientOutcome.Completed, "Hi", "end_turn", (ClientError?)null)));
    }

    [Test]
    public void Exit_zero_in_a_give_up_run_is_a_give_up()
    {
        Assert.That(Read("""{"text":"Hi","stop_reason":null,"error":null}""", 0, givesUp: true).Outcome, Is.EqualTo(ClientOutcome.GaveUp));
    }

    [Test]
    public void Reported_error_is_a_failure_with_its_type_and_message()
    {
        var r = Read("""{"text":"Hi","stop_reason":null,"error":{"type":"overloaded_error","message":"Overloaded"}}""", 1);
        Assert.That((r.Outcome, r.Error), Is.EqualTo((ClientOutcome.Failed, new ClientError("overloaded_error", "Overloaded"))));
    }

    [Test]
    public void Non_zero_exit_without_an_error_is_a_failure_named_by_its_exit_code()
    {
        var r = Read("""{"text":"Hi","stop_reason":"end_turn","error":null}""", 4);
        Assert.That((r.Outcome, r.Error), Is.EqualTo((ClientOutcome.Failed, new ClientError("exit_code", "exited with code 4"))));
    }

    [Test]
    public void Without_a_file_all_of_stdout_is_the_text_and_exit_zero_is_a_complete_answer_with_no_stop_reason()
    {
        var r = Read(null, 0, stdout: "Hello,\n wörld 🌍");
        Assert.That((r.Outcome, r.Text, r.StopReason, r.Error, r.Read), Is.EqualTo((ClientOutcome.Completed, "Hello,\n wörld 🌍", (string?)null, (ClientError?)null, "stdout")));
    }

    [Test]
    public void Without_a_file_a_non_zero_exit_after_some_text_is_a_failure_named_by_its_exit_code()
    {
        var r = Read(null, 1, stdout: "partial");
        Assert.That((r.Outcome, r.Text, r.Error, r.Read), Is.EqualTo((ClientOutcome.Failed, "partial", new ClientError("exit_code", "exited with code 1"), "stdout")));
    }

    [Test]
    public void Without_a_file_a_non_zero_exit_with_nothing_on_stdout_is_a_crash()
    {
        var r = Read(null, 3);
        Assert.That((r.Outcome, r.Error?.Message), Is.EqualTo((ClientOutcome.Crashed, "exited with code 3 with nothing on stdout and no HARNESS_RESULT_FILE")));
    }

    [Test]
    public void Without_a_file_exit_zero_in_a_give_up_run_is_a_give_up()
    {
        Assert.That(Read(null, 0, givesUp: true, stdout: "Hi").Outcome, Is.EqualTo(ClientOutcome.GaveUp));
    }

    [Test]
    public void A_result_file_is_read_as_such()
    {
        Assert.That(Read("""{"text":"Hi","stop_reason":"end_turn","error":null}""", 0, stdout: "ignored").Read, Is.EqualTo("result-file"));
    }

    [TestCase("[1]", "result file: expected a JSON object, got Array")]
    [TestCase("""{"text":5}""", "result file: field 'text': expected a string or null, got Number")]
    [TestCase("""{"text":"","error":"boom"}""", "result file: field 'error': expected null or an object, got String")]
    [TestCase("""{"text":""" + "\n" + "\"x", "result file is not valid JSON: line 2")]
    public void Unreadable_file_is_a_crash_naming_what_is_wrong(string json, string why)
    {
        var r = Read(json, 0);
        Assert.That(r.Outcome, Is.EqualTo(ClientOutcome.Crashed));
        Assert.That(r.Error?.Message, Does.Contain(why));
    }
}
