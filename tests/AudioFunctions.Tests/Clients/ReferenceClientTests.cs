using System.Diagnostics;
using System.Text.Json;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Clients;

/// <summary>
/// The Python client printed in reference 000 (its <c>InsightClient</c> class, taken from the
/// reference document as it is) against the app, with Debian's python3-msgpack and python3-httpx.
/// </summary>
[Collection(ReferenceClientCollection.Name)]
public sealed class ReferenceClientTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>Debian's interpreter: the one its python3-msgpack and python3-httpx packages install into.</summary>
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task InsightClient_StreamsEndsAndSearches_Unchanged()
    {
        var client = Path.Combine(Path.GetTempPath(), $"insight_client_{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(client, ReferenceDocuments.InsightClientSource());
        try
        {
            var driver = Path.Combine(AppContext.BaseDirectory, "Clients", "reference_client_driver.py");
            var output = await RunAsync(driver, client, fixture.App.BaseAddress.ToString().TrimEnd('/'));
            using var result = JsonDocument.Parse(output);
            var root = result.RootElement;

            foreach (var ended in root.GetProperty("ended").EnumerateObject())
            {
                Assert.Equal(12.0, ended.Value.GetProperty("duration_s").GetDouble(), 6);
                Assert.Equal(1, ended.Value.GetProperty("windows_processed").GetInt32());
                Assert.True(ended.Value.GetProperty("audio_stored").GetBoolean());
                Assert.True(ended.Value.GetProperty("text_stored").GetBoolean());
            }

            // Similar to the bright tone: the other bright tone first, itself excluded.
            var similar = root.GetProperty("similar").EnumerateArray().Select(r => r.GetProperty("track_id").GetString()).ToList();
            Assert.DoesNotContain("ref:track:bright-a", similar);
            Assert.Equal("ref:track:bright-b", similar[0]);
            Assert.Equal("ref:track:drums", similar[^1]);

            var byText = root.GetProperty("by_text").EnumerateArray().ToList();
            Assert.Equal("ref:track:bright-a", byText[0].GetProperty("track_id").GetString());
            Assert.Equal("Bohemian Rhapsody", byText[0].GetProperty("name").GetString());
        }
        finally
        {
            File.Delete(client);
        }
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: run ./test.sh, which installs Debian's python3-msgpack and python3-httpx.");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"the reference client failed:\n{await stderr}");
        return await stdout;
    }
}
