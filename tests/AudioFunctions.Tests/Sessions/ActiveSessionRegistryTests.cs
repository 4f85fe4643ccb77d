using AudioFunctions.Errors;
using AudioFunctions.Sessions;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Sessions;

public sealed class ActiveSessionRegistryTests
{
    [Fact]
    public async Task ABurstOfStartsAndEnds_FromOneInstance_AllLand_WithEachRefusalAlone()
    {
        // Its own prefix: the registry blob of this test is not shared with the fixture's sessions.
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var registry = app.Services.GetRequiredService<ActiveSessionRegistry>();
        var now = DateTimeOffset.UtcNow;
        var entries = Enumerable.Range(0, 150).Select(i => new ActiveSessionEntry($"track-{i % 100}", Guid.NewGuid().ToString("D"), now)).ToList();

        // 150 at once: tracks 0..49 are asked for twice, so 50 of them must be refused (409), the
        // rest land; nothing is refused as busy, and a refusal does not take the others down.
        var outcomes = await Task.WhenAll(entries.Select(async entry =>
        {
            try
            {
                await registry.AddAsync(entry, maxSessions: 1000, (_, _) => Task.FromResult(true), CancellationToken.None);
                return "added";
            }
            catch (ServiceException e)
            {
                return e.Code;
            }
        }));

        Assert.Equal(100, outcomes.Count(o => o == "added"));
        Assert.Equal(50, outcomes.Count(o => o == ErrorCodes.SessionExists));
        var stored = await registry.GetEntriesAsync(CancellationToken.None);
        Assert.Equal(100, stored.Count);
        Assert.Equal(100, stored.Select(e => e.TrackId).Distinct().Count());

        await Task.WhenAll(stored.Select(e => registry.RemoveAsync(e.SessionId, CancellationToken.None)));
        Assert.Empty(await registry.GetEntriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AStartAtTheLimit_TakesTheSlotOfAnExpiredSession()
    {
        var settings = new Dictionary<string, string?> { ["INSIGHT_STREAM__MAX_SESSIONS"] = "1", ["INSIGHT_STREAM__SESSION_TIMEOUT_S"] = "0.5" };
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);
        var client = new StreamApiClient(app.Client);
        var idle = await client.StartSessionAsync("idle-" + Guid.NewGuid().ToString("N"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        // The start finds the limit reached, asks whether the idle session still counts, which
        // expires it (and releases it) from inside the registry's own write: that must not wait on itself.
        var next = await client.StartSessionAsync("next-" + Guid.NewGuid().ToString("N"));

        var registry = app.Services.GetRequiredService<ActiveSessionRegistry>();
        Assert.Equal([next], (await registry.GetEntriesAsync(CancellationToken.None)).Select(e => e.SessionId));
        Assert.Equal(SessionStatus.Aborted, (await StoredAudio.RecordAsync(app.Services, idle)).Status);
    }
}
