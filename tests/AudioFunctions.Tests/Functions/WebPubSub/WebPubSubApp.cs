using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Functions.WebPubSub;

/// <summary>The app with its Web PubSub handler enabled: both access keys, the test origin, hub <c>audio</c>.</summary>
public class WebPubSubApp : AppFixture
{
    public static Dictionary<string, string?> HandlerSettings(bool endSessionOnDisconnect = false) => new()
    {
        ["WEBPUBSUB__ACCESS_KEY"] = WebPubSubUpstream.PrimaryKey,
        ["WEBPUBSUB__ACCESS_KEY_2"] = WebPubSubUpstream.SecondaryKey,
        ["WEBPUBSUB__ALLOWED_ORIGINS"] = "other.webpubsub.azure.com, " + WebPubSubUpstream.Origin,
        ["WEBPUBSUB__HUB"] = WebPubSubUpstream.Hub,
        ["WEBPUBSUB__END_SESSION_ON_DISCONNECT"] = endSessionOnDisconnect ? "true" : "false",
        // Closing a session waits for its track; a short wait keeps close_session quick.
        ["PIPELINE__END_WAIT_S"] = "5",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => HandlerSettings();
}
