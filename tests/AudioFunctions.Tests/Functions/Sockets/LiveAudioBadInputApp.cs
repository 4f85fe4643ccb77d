using System.Globalization;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>
/// The app for the live bad-input tests: a small message limit so 1009 is cheap to reach, and two
/// connections per session so the third is the one refused.
/// </summary>
public sealed class LiveAudioBadInputApp : AppFixture
{
    public const int MaxMessageBytes = 1000;
    public const int MaxConnectionsPerSession = 2;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["LIVE_AUDIO__MAX_MESSAGE_SIZE_BYTES"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
        ["LIVE_AUDIO__MAX_CONNECTIONS_PER_SESSION"] = MaxConnectionsPerSession.ToString(CultureInfo.InvariantCulture),
    };
}
