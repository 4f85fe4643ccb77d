using AudioFunctions.Orchestration;

namespace AudioFunctions.Tests.Orchestration;

public sealed class StepMessageTests
{
    [Theory]
    [InlineData("""{"step":"Embed","session_id":"s","window":3}""", 3, 1)]
    [InlineData("""{"step":"Embed","session_id":"s","window":0,"windows":8}""", 0, 8)]
    [InlineData("""{"step":"Embed","session_id":"s","window":16,"windows":64}""", 16, 64)]
    public void Parse_EmbedStep_NamesItsFirstWindowAndHowMany(string json, int window, int windows)
    {
        var message = StepMessage.Parse(json);

        Assert.Equal((PipelineStep.Embed, "s", window), (message.Step, message.SessionId, message.Window!.Value));
        Assert.Equal(windows, message.Windows ?? 1);
    }

    [Theory]
    [InlineData("""{"step":"Embed","session_id":"s"}""")]
    [InlineData("""{"step":"Embed","session_id":"s","window":-1}""")]
    [InlineData("""{"step":"Embed","session_id":"s","window":0,"windows":0}""")]
    [InlineData("""{"step":"Embed","session_id":"s","window":0,"windows":65}""")]
    [InlineData("""{"step":"Window","session_id":""}""")]
    [InlineData("""{"step":"SpaceJob","session_id":""}""")]
    [InlineData("""{"step":"Finalize"}""")]
    [InlineData("""not json""")]
    public void Parse_RefusesMessagesNoStepCouldRun(string json) =>
        Assert.Throws<FormatException>(() => StepMessage.Parse(json));

    [Fact]
    public void ForJob_RoundTrips_WithTheJobIdAndNoSession()
    {
        var message = StepMessage.Parse(StepMessage.ForJob("0123456789abcdef0123456789abcdef").ToJson());

        Assert.Equal(PipelineStep.SpaceJob, message.Step);
        Assert.Equal("0123456789abcdef0123456789abcdef", message.JobId);
        Assert.Equal("", message.SessionId);
    }
}
