using AudioFunctions.Functions.Hosting;
using AudioFunctions.Sessions;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Tests.Functions.Hosting;

/// <summary>
/// Settings: <c>local.settings.json</c> <c>Values</c> as configuration, their precedence, and the
/// reference variables (<c>INSIGHT_STREAM__*</c>) binding to <see cref="StreamOptions"/> with validation at start.
/// The process environment is never changed here (tests run in parallel): only files and overrides.
/// </summary>
public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "audiofunctions-settings-" + Guid.NewGuid().ToString("N"));

    public LocalSettingsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string WriteSettings(string json, string folder = "")
    {
        var directory = Path.Combine(_root, folder);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, LocalSettings.FileName);
        File.WriteAllText(path, json);
        return path;
    }

    private static IConfigurationRoot Read(string path) => new ConfigurationBuilder().AddLocalSettings(path).Build();

    /// <summary>Overrides in the environment-variable form, turned into configuration keys as AppInstance does.</summary>
    private static Dictionary<string, string?> Overrides(params (string Key, string? Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
            overrides[key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
        return overrides;
    }

    private static async Task<StreamOptions> StreamOptionsOfAsync(string[] args, Dictionary<string, string?> overrides)
    {
        var app = AudioFunctionsHost.Create(args, overrides);
        await using (app)
            return app.Services.GetRequiredService<IOptions<StreamOptions>>().Value;
    }

    // ---------------------------------------------------------------- AddLocalSettings

    [Fact]
    public void AddLocalSettings_ReadsValues_WithDoubleUnderscoreAsTheSectionSeparator()
    {
        var path = WriteSettings("""
            {
              "IsEncrypted": false,
              "Values": {
                "FUNCTIONS_WORKER_RUNTIME": "custom",
                "INSIGHT_STREAM__MAX_SESSIONS": "7",
                "INSIGHT_STREAM__MIN_DURATION_S": 1.5,
                "INSIGHT_STREAM__KEEP_ABORTED_AUDIO": true,
                "AzureWebJobsStorage__accountName": "acct"
              },
              "Host": { "LocalHttpPort": 7072 }
            }
            """);

        var configuration = Read(path);

        Assert.Equal("7", configuration["INSIGHT_STREAM:MAX_SESSIONS"]);
        Assert.Equal("1.5", configuration["INSIGHT_STREAM:MIN_DURATION_S"]);
        Assert.Equal("true", configuration["INSIGHT_STREAM:KEEP_ABORTED_AUDIO"]);
        Assert.Equal("acct", configuration["AzureWebJobsStorage:accountName"]);
        Assert.Equal("custom", configuration["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Null(configuration["INSIGHT_STREAM__MAX_SESSIONS"]);
        // Only Values are settings; the rest of the file is for Core Tools.
        Assert.Null(configuration["IsEncrypted"]);
        Assert.Null(configuration["Host:LocalHttpPort"]);
        Assert.Equal(7, configuration.GetSection(StreamOptions.Section).Get<StreamOptions>()!.MaxSessions);
    }

    [Fact]
    public void AddLocalSettings_AddsNothing_WhenTheFileIsMissing()
    {
        var builder = new ConfigurationBuilder();

        builder.AddLocalSettings(Path.Combine(_root, "absent", LocalSettings.FileName));

        Assert.Empty(builder.Sources);
        Assert.Empty(builder.Build().AsEnumerable());
    }

    [Fact]
    public void AddLocalSettings_ToleratesCommentsAndTrailingCommas()
    {
        var path = WriteSettings("""
            // Local settings for Core Tools.
            {
              "Values": {
                /* the reference sidecar's variable */
                "INSIGHT_STREAM__SESSION_TIMEOUT_S": "42", // seconds
                "STORAGE__CONTAINER_PREFIX": "dev-",
              },
            }
            """);

        var configuration = Read(path);

        Assert.Equal("42", configuration["INSIGHT_STREAM:SESSION_TIMEOUT_S"]);
        Assert.Equal("dev-", configuration["STORAGE:CONTAINER_PREFIX"]);
    }

    [Fact]
    public void AddLocalSettings_AddsNothing_WhenThereAreNoValues()
    {
        var configuration = Read(WriteSettings("""{ "IsEncrypted": false, "Values": "not an object" }"""));

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void AddLocalSettings_KeysAreCaseInsensitive_LikeEnvironmentVariablesOnWindowsAndConfigurationEverywhere()
    {
        var configuration = Read(WriteSettings("""{ "Values": { "insight_stream__max_sessions": "9" } }"""));

        Assert.Equal("9", configuration["INSIGHT_STREAM:MAX_SESSIONS"]);
    }

    /// <summary>
    /// Core Tools reads <c>Values</c> as strings: a JSON null is no value at all. Read as the text
    /// "null" it would, for example, turn key checks on with the key "null".
    /// </summary>
    [Fact]
    public void AddLocalSettings_TreatsANullValue_AsNoValue()
    {
        var configuration = Read(WriteSettings("""{ "Values": { "AUTH__FUNCTION_KEY": null, "INSIGHT_STREAM__MAX_SESSIONS": "3" } }"""));

        Assert.Equal("3", configuration["INSIGHT_STREAM:MAX_SESSIONS"]);
        Assert.Null(configuration["AUTH:FUNCTION_KEY"]);
    }

    // ---------------------------------------------------------------- through AudioFunctionsHost.Create

    [Fact]
    public async Task Create_BindsTheReferenceVariables_ToStreamOptions()
    {
        var options = await StreamOptionsOfAsync([], Overrides(
            ("INSIGHT_STREAM__SESSION_TIMEOUT_S", "42"),
            ("INSIGHT_STREAM__MAX_SESSIONS", "7"),
            ("INSIGHT_STREAM__MIN_DURATION_S", "1.5")));

        Assert.Equal(42, options.SessionTimeoutSeconds);
        Assert.Equal(TimeSpan.FromSeconds(42), options.SessionTimeout);
        Assert.Equal(7, options.MaxSessions);
        Assert.Equal(1.5, options.MinDurationSeconds);
    }

    [Fact]
    public async Task Create_UsesTheReferenceDefaults_WhenNothingIsSet()
    {
        var options = await StreamOptionsOfAsync(["--contentRoot", _root], Overrides());

        Assert.Equal(300, options.SessionTimeoutSeconds);
        Assert.Equal(100, options.MaxSessions);
        Assert.Equal(3.0, options.MinDurationSeconds);
    }

    [Fact]
    public async Task Create_ReadsLocalSettingsFromTheContentRoot_AndLaterSourcesWin()
    {
        WriteSettings("""
            {
              "Values": {
                "INSIGHT_STREAM__SESSION_TIMEOUT_S": "11",
                "INSIGHT_STREAM__MAX_SESSIONS": "12",
                "INSIGHT_STREAM__MIN_DURATION_S": "13"
              }
            }
            """, "content");
        var contentRoot = Path.Combine(_root, "content");

        // local.settings.json < command line < overrides.
        var options = await StreamOptionsOfAsync(
            ["--contentRoot", contentRoot, "--INSIGHT_STREAM:MAX_SESSIONS=22", "--INSIGHT_STREAM:MIN_DURATION_S=23"],
            Overrides(("INSIGHT_STREAM__MIN_DURATION_S", "33")));

        Assert.Equal(11, options.SessionTimeoutSeconds);
        Assert.Equal(22, options.MaxSessions);
        Assert.Equal(33, options.MinDurationSeconds);
    }

    public static TheoryData<string, string, string> InvalidSettings() => new()
    {
        { "INSIGHT_STREAM__MAX_SESSIONS", "0", nameof(StreamOptions.MaxSessions) },
        { "INSIGHT_STREAM__MAX_SESSIONS", "10001", nameof(StreamOptions.MaxSessions) },
        { "INSIGHT_STREAM__SESSION_TIMEOUT_S", "-5", nameof(StreamOptions.SessionTimeoutSeconds) },
        { "INSIGHT_STREAM__SESSION_TIMEOUT_S", "0", nameof(StreamOptions.SessionTimeoutSeconds) },
        { "INSIGHT_STREAM__MIN_DURATION_S", "-1", nameof(StreamOptions.MinDurationSeconds) },
        { "INSIGHT_STREAM__MAX_FRAME_BYTES", "0", nameof(StreamOptions.MaxFrameBytes) },
        { "INSIGHT_STREAM__SWEEP_INTERVAL_S", "0", nameof(StreamOptions.SweepIntervalSeconds) },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task StartAsync_ThrowsOptionsValidationException_WhenASettingIsOutOfRange(string key, string value, string member)
    {
        var azurite = await AzuriteServer.Shared;
        var overrides = Overrides((key, value));
        overrides["AzureWebJobsStorage"] = azurite.ConnectionString;
        overrides["STORAGE:CONTAINER_PREFIX"] = AppInstance.NewPrefix();
        var app = AudioFunctionsHost.Create([], overrides);
        await using (app)
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

            Assert.Equal(typeof(StreamOptions), failure.OptionsType);
            Assert.Contains(member, failure.Message, StringComparison.Ordinal);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task StartAsync_Succeeds_WithTheSameSettingsInRange()
    {
        var azurite = await AzuriteServer.Shared;
        var overrides = Overrides(
            ("INSIGHT_STREAM__MAX_SESSIONS", "1"),
            ("INSIGHT_STREAM__SESSION_TIMEOUT_S", "0.5"),
            ("INSIGHT_STREAM__MIN_DURATION_S", "0"));
        overrides["AzureWebJobsStorage"] = azurite.ConnectionString;
        overrides["STORAGE:CONTAINER_PREFIX"] = AppInstance.NewPrefix();
        var app = AudioFunctionsHost.Create([], overrides);
        await using (app)
        {
            await app.StartAsync();
            await app.StopAsync();
        }
    }
}
