using System.Text;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Judges;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static TinyAgent.Harness.Tests.Clients.ClientTestContext;

namespace TinyAgent.Harness.Tests.Clients;

/// <summary>The run's instrumented HttpClient over real TCP on 127.0.0.1.</summary>
internal sealed class RunHttpTests
{
    [Test]
    public async Task Every_specimen_reads_a_clean_stream_over_tcp_and_its_reads_add_up_to_the_body()
    {
        var body = Observations.Body();
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("content-type", "text/event-stream").WithBody(Encoding.UTF8.GetString(body)));
        var context = Create(new Uri($"http://127.0.0.1:{server.Ports[0]}"));

        foreach (IClientUnderTest client in new IClientUnderTest[] { new NaiveSplitClient(), new NaiveTruncationClient(), new NaiveGhostClient() })
        {
            var result = await RunGuard.RunAsync(client, context).WaitAsync(Wait);

            Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed), $"{client.Name}: {result.Error}");
            Assert.That(result.Text, Is.EqualTo(Observations.FullText), client.Name);
            Assert.That(result.Reads!.Sum(r => r.Size), Is.EqualTo(body.Length), client.Name);
            Assert.That(result.Reads!.Select(r => r.At), Is.Ordered, client.Name);
        }
    }
}
