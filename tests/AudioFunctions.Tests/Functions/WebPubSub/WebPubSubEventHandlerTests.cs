using AudioFunctions.Functions.Sockets;
using AudioFunctions.Functions.WebPubSub;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubEventHandlerTests
{
    [Theory]
    [InlineData(LiveAudioClose.Normal, 410)]
    [InlineData(LiveAudioClose.PolicyViolation, 400)]
    [InlineData(LiveAudioClose.MessageTooBig, 413)]
    [InlineData(LiveAudioClose.InternalError, 500)]
    [InlineData(LiveAudioClose.TryAgainLater, 503)]
    [InlineData(4000, 410)]
    public void DropStatus_IsNon2xx_ForEveryCloseCode_KeepingItsSense(int closeCode, int status)
    {
        Assert.Equal(status, WebPubSubEventHandler.DropStatus(closeCode));
    }
}
