using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>What every bad-input test class of the stream API shares: the app with its small frame limit, and a client.</summary>
public abstract class StreamBadInputTestBase(StreamBadInputApp fixture) : IClassFixture<StreamBadInputApp>
{
    public static TheoryData<BodyFormat> BothFormats() => new(StreamTestBodies.Formats);

    protected AppInstance App => fixture.App;

    protected StreamApiClient Client(BodyFormat format = BodyFormat.MsgPack) => new(App.Client, format);
}
