using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class ErrorEventFaultTests
{
    [Test]
    public void Error_event_ends_the_stream_with_no_message_stop()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new ErrorEventFault(new() { AfterEvents = 4 }));
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(read.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(read.HasMessageStop, Is.False);
        Assert.That(read.EventCount, Is.EqualTo(5));
        Assert.That(TestStreams.Text(plan.Body), Does.EndWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"));
        Assert.That(plan.Facts.InjectedErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(plan.Expected!.IsComplete, Is.False);
    }

    [Test]
    public void Error_event_after_zero_events_is_the_first_event_after_the_200()
    {
        // Vercel AI #2453: an overloaded API answers 200 and the body holds only the error.
        var plan = TestStreams.Plan(TestStreams.Crlf, new ErrorEventFault(new() { AfterEvents = 0 }));
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(TestStreams.Text(plan.Body), Is.EqualTo("event: error\r\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\r\n\r\n"));
        Assert.That((read.HasMessageStart, read.ErrorType, read.EventCount, read.Text), Is.EqualTo((false, "overloaded_error", 1, "")));
        Assert.That((plan.Expected!.ErrorType, plan.Expected.HasMessageStart), Is.EqualTo(("overloaded_error", false)), "the plan derives it too");
        Assert.That(plan.Facts.InjectedErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(plan.Facts.BytesDropped, Is.EqualTo(TestStreams.Crlf.Body.Length));
        Assert.That(FaultRegistry.Parse("error-event:afterEvents=0", "t").Options, Is.EqualTo(new ErrorEventOptions { AfterEvents = 0 }));
    }

    [Test]
    public void Error_event_matches_the_recordings_line_ending_and_type_is_configurable()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new ErrorEventFault(new() { Type = "api_error", AtFraction = 0.5 }));

        Assert.That(TestStreams.Text(plan.Body), Does.EndWith("event: error\r\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Overloaded\"}}\r\n\r\n"));
        Assert.That(ReferenceReader.Read(plan.Body).ErrorType, Is.EqualTo("api_error"));
        int errorStart = TestStreams.Text(plan.Body).LastIndexOf("event: error", StringComparison.Ordinal);
        Assert.That(plan.Body[..errorStart], Is.EqualTo(TestStreams.Crlf.Body[..errorStart]), "the events before it are untouched");
    }
}
