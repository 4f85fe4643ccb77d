using System.Globalization;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>The app for the stream bad-input tests, with a small frame limit so 413 is cheap to reach.</summary>
public sealed class StreamBadInputApp : AppFixture
{
    public const int MaxFrameBytes = 1000;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["INSIGHT_STREAM__MAX_FRAME_BYTES"] = MaxFrameBytes.ToString(CultureInfo.InvariantCulture),
    };
}
