using System.Text;
using AudioFunctions.Embedding.Clap;

namespace AudioFunctions.Tests.Embedding.Clap;

public sealed class ClapFeatureSettingsTests
{
    /// <summary>The keys the released clap-htsat-unfused preprocessor_config.json carries, with its values.</summary>
    private const string UnfusedConfig = """
        {
          "chunk_length_s": 10, "feature_extractor_type": "ClapFeatureExtractor", "feature_size": 64,
          "fft_window_size": 1024, "frequency_max": 14000, "frequency_min": 50, "hop_length": 480,
          "max_length_s": 10, "n_fft": 1024, "nb_frequency_bins": 513, "nb_max_frames": 1000,
          "nb_max_samples": 480000, "padding": "repeatpad", "padding_side": "right", "padding_value": 0.0,
          "processor_class": "ClapProcessor", "return_attention_mask": false, "sampling_rate": 48000,
          "top_db": null, "truncation": "rand_trunc"
        }
        """;

    [Fact]
    public void Parse_OfTheUnfusedConfig_EqualsTheDefaults()
    {
        var settings = ClapFeatureSettings.Parse(Encoding.UTF8.GetBytes(UnfusedConfig));

        Assert.Equal(new ClapFeatureSettings(), settings);
        Assert.Equal(480_000, settings.WindowSamples);
        Assert.Equal(1001, settings.FrameCount);
    }

    [Fact]
    public void Parse_OverridesOnlyTheKeysGiven()
    {
        var settings = ClapFeatureSettings.Parse(Encoding.UTF8.GetBytes(
            """{"feature_size": 80, "sampling_rate": 16000, "hop_length": 160, "n_fft": 512, "frequency_min": 0, "frequency_max": 8000, "max_length_s": 5, "padding": "pad"}"""));

        Assert.Equal(80, settings.MelBands);
        Assert.Equal(16_000, settings.SampleRateHz);
        Assert.Equal(160, settings.HopLength);
        Assert.Equal(512, settings.FftWindowSize);
        Assert.Equal(0, settings.FrequencyMinHz);
        Assert.Equal(8_000, settings.FrequencyMaxHz);
        Assert.Equal(ClapPadding.Pad, settings.Padding);
        Assert.Equal("rand_trunc", settings.Truncation);
        Assert.Equal(1 + 80_000 / 160, settings.FrameCount);
        Assert.Equal(new ClapFeatureExtractor(settings).FeaturesPerWindow, settings.FrameCount * 80);
    }

    [Fact]
    public void Parse_PrefersFftWindowSize_OverNFft()
    {
        var settings = ClapFeatureSettings.Parse(Encoding.UTF8.GetBytes("""{"fft_window_size": 2048, "n_fft": 512}"""));

        Assert.Equal(2048, settings.FftWindowSize);
    }

    [Theory]
    [InlineData("""{"padding": "mirror"}""")]
    [InlineData("""{"hop_length": "480"}""")]
    [InlineData("""{"feature_size": 64.5}""")]
    public void Parse_Throws_ForAValueOfTheWrongKind(string json)
    {
        Assert.Throws<FormatException>(() => ClapFeatureSettings.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Extractor_RefusesFusion_WhichTheUnfusedModelCannotTake()
    {
        var settings = ClapFeatureSettings.Parse(Encoding.UTF8.GetBytes("""{"truncation": "fusion"}"""));

        Assert.Throws<NotSupportedException>(() => new ClapFeatureExtractor(settings));
    }

    [Fact]
    public void Load_ReadsTheModelFolderFile_AndFallsBackToDefaults()
    {
        var folder = Directory.CreateTempSubdirectory("clap-settings-");
        try
        {
            Assert.Equal(new ClapFeatureSettings(), ClapFeatureSettings.Load(folder.FullName));

            File.WriteAllText(Path.Combine(folder.FullName, ClapFeatureSettings.FileName), """{"hop_length": 240}""");

            Assert.Equal(new ClapFeatureSettings { HopLength = 240 }, ClapFeatureSettings.Load(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
