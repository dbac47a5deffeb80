using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>One judge per bug: a pure function from what a run observed to a finding with evidence.</summary>
internal interface IJudge
{
    string Bug { get; }

    RunFinding Judge(RunObservation run);
}
