using System.ComponentModel.DataAnnotations;
using AudioFunctions.Functions.WebPubSub;

namespace AudioFunctions.Tests.Functions.WebPubSub;

public sealed class WebPubSubOptionsTests
{
    private static List<ValidationResult> Validate(WebPubSubOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Defaults_AreDisabled_OnHubAudio_KeepingSessionsOnDisconnect_AndValid()
    {
        var options = new WebPubSubOptions();

        Assert.False(options.IsEnabled);
        Assert.Empty(options.AccessKeys);
        Assert.Equal("audio", options.Hub);
        Assert.False(options.EndSessionOnDisconnect);
        Assert.Null(options.EndpointUri);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SendTimeout);
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void AccessKeys_ListTheSetKeys_PrimaryFirst_EitherOneEnabling()
    {
        Assert.Equal(["k1", "k2"], new WebPubSubOptions { AccessKey = "k1", SecondaryAccessKey = "k2" }.AccessKeys);
        Assert.Equal(["k2"], new WebPubSubOptions { AccessKey = "  ", SecondaryAccessKey = "k2" }.AccessKeys);
        Assert.True(new WebPubSubOptions { SecondaryAccessKey = "k2" }.IsEnabled);
    }

    [Fact]
    public void Validation_RequiresAllowedOrigins_OnceAKeyIsSet()
    {
        var error = Assert.Single(Validate(new WebPubSubOptions { AccessKey = "k" }));

        Assert.Contains("WEBPUBSUB__ALLOWED_ORIGINS", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Validate(new WebPubSubOptions { AccessKey = "k", AllowedOrigins = "a.webpubsub.azure.com, b.webpubsub.azure.com" }));
        Assert.Empty(Validate(new WebPubSubOptions { AccessKey = "k", AllowedOrigins = "*" }));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("https://myname.webpubsub.azure.com", "https://myname.webpubsub.azure.com/")]
    [InlineData(" https://myname.webpubsub.azure.com/ ", "https://myname.webpubsub.azure.com/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    public void Endpoint_IsAnHttpUrlOfTheServiceAlone(string? endpoint, string? uri)
    {
        var options = new WebPubSubOptions { Endpoint = endpoint };

        Assert.Empty(Validate(options));
        Assert.Equal(uri, options.EndpointUri?.AbsoluteUri);
    }

    [Theory]
    [InlineData("myname.webpubsub.azure.com")]
    [InlineData("wss://myname.webpubsub.azure.com")]
    [InlineData("https://myname.webpubsub.azure.com/api/hubs/audio")]
    [InlineData("https://myname.webpubsub.azure.com/?api-version=2024-01-01")]
    [InlineData("https://user:pass@myname.webpubsub.azure.com")]
    public void Validation_Refuses_AnEndpointThatIsNotTheServiceAlone(string endpoint)
    {
        var options = new WebPubSubOptions { Endpoint = endpoint };

        var error = Assert.Single(Validate(options));
        Assert.StartsWith("WEBPUBSUB__ENDPOINT ", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(options.EndpointUri);
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(0.5, true)]
    [InlineData(0, false)]
    [InlineData(61, false)]
    public void Validation_BoundsTheSendTimeout(double seconds, bool valid)
    {
        Assert.Equal(valid, Validate(new WebPubSubOptions { SendTimeoutSeconds = seconds }).Count == 0);
    }

    [Fact]
    public void Validation_Refuses_AStarMixedWithHostNames()
    {
        var error = Assert.Single(Validate(new WebPubSubOptions { AccessKey = "k", AllowedOrigins = "*,a.webpubsub.azure.com" }));

        Assert.Contains("either *", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audio", true)]
    [InlineData("Audio_2", true)]
    [InlineData("2audio", false)]
    [InlineData("au-dio", false)]
    [InlineData("", false)]
    public void Validation_ChecksTheHubName(string hub, bool valid)
    {
        Assert.Equal(valid, Validate(new WebPubSubOptions { Hub = hub }).Count == 0);
    }

    [Fact]
    public void AllowsOrigin_ComparesHostNamesCaseInsensitively_OrAllowsAnyWithStar()
    {
        var listed = new WebPubSubOptions { AllowedOrigins = "a.webpubsub.azure.com , b.webpubsub.azure.com" };

        Assert.True(listed.AllowsOrigin("A.WebPubSub.Azure.com"));
        Assert.True(listed.AllowsOrigin("b.webpubsub.azure.com"));
        Assert.False(listed.AllowsOrigin("c.webpubsub.azure.com"));
        Assert.False(listed.AllowsOrigin("a.webpubsub.azure.com.evil.example"));
        Assert.True(new WebPubSubOptions { AllowedOrigins = "*" }.AllowsOrigin("anything.example"));
        Assert.False(new WebPubSubOptions().AllowsOrigin("a.webpubsub.azure.com"));
    }
}
