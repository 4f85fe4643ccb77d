using AudioFunctions.Audio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AudioFunctions.Tests.Infrastructure.CoreServices;

namespace AudioFunctions.Tests.Audio;

/// <summary>The <c>FFMPEG</c> section as <see cref="AudioCoreServiceCollectionExtensions.AddAudioCore"/> binds and validates it.</summary>
public sealed class FfmpegOptionsTests
{
    [Fact]
    public void Options_HaveTheDefaults_WhenTheSectionIsMissing()
    {
        using var services = Resolve([]);
        var options = services.GetRequiredService<IOptions<FfmpegOptions>>().Value;

        Assert.Equal("ffmpeg", options.Path);
        Assert.Equal("error", options.LogLevel);
        Assert.Equal(TimeSpan.FromSeconds(120), options.Timeout);
    }

    [Fact]
    public void Options_BindTheReferenceNames()
    {
        using var services = Resolve(("FFMPEG:PATH", "/opt/ffmpeg/bin/ffmpeg"), ("FFMPEG:LOGLEVEL", "warning"), ("FFMPEG:TIMEOUT_S", "30"));
        var options = services.GetRequiredService<IOptions<FfmpegOptions>>().Value;

        Assert.Equal("/opt/ffmpeg/bin/ffmpeg", options.Path);
        Assert.Equal("warning", options.LogLevel);
        Assert.Equal(30, options.TimeoutSeconds);
    }

    [Theory]
    [InlineData("FFMPEG:LOGLEVEL", "loud", "LogLevel")]
    [InlineData("FFMPEG:LOGLEVEL", "ERROR", "LogLevel")]
    [InlineData("FFMPEG:PATH", "", "Path")]
    [InlineData("FFMPEG:TIMEOUT_S", "0", "TimeoutSeconds")]
    [InlineData("FFMPEG:TIMEOUT_S", "3601", "TimeoutSeconds")]
    public void Options_FailValidation_ForValuesFfmpegCannotUse(string key, string value, string member)
    {
        using var services = Resolve((key, value));

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FfmpegOptions>>().Value);
        Assert.Contains(member, exception.Message);
    }

    [Fact]
    public void Decoder_IsRegisteredWithTheCore()
    {
        using var services = Resolve([]);
        Assert.NotNull(services.GetRequiredService<FfmpegDecoder>());
    }
}
