using System.Net;
using AudioFunctions.Errors;
using AudioFunctions.Sessions;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>One active session per track, the service-wide session limit, and expiry of idle sessions.</summary>
public sealed class SessionLifecycleTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] settings) =>
        settings.ToDictionary(s => s.Key, s => (string?)s.Value);

    [Fact]
    public async Task Start_Answers409_WhileTheTrackHasAnActiveSession_AndAcceptsItAfterEndOrAbort()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix());
        var client = new StreamApiClient(app.Client);
        var track = "dup-" + Guid.NewGuid().ToString("N");

        var first = await client.StartSessionAsync(track);
        (await client.StartAsync(track)).AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionExists, first);
        (await client.AbortAsync(first)).AssertStatus(HttpStatusCode.OK);

        var second = await client.StartSessionAsync(track);
        (await client.StartAsync(track)).AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionExists);
        (await client.EndAsync(second)).AssertStatus(HttpStatusCode.OK);
        await client.StartSessionAsync(track);
    }

    [Fact]
    public async Task ConcurrentStarts_OfOneTrack_OnTwoInstances_LetExactlyOneWin()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        await using var a = await AppInstance.StartAsync(azurite, prefix);
        await using var b = await AppInstance.StartAsync(azurite, prefix);
        var clients = new[] { new StreamApiClient(a.Client), new StreamApiClient(b.Client) };
        var track = "race-" + Guid.NewGuid().ToString("N");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => clients[i % 2].StartAsync(track)));

        Assert.Single(answers, r => r.Status == HttpStatusCode.OK);
        foreach (var loser in answers.Where(r => r.Status != HttpStatusCode.OK))
            loser.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionExists);
    }

    [Fact]
    public async Task SessionLimit_Answers503_AcrossInstances_AndFreesASlotWhenASessionEnds()
    {
        var azurite = await AzuriteServer.Shared;
        var prefix = AppInstance.NewPrefix();
        var settings = Settings(("INSIGHT_STREAM__MAX_SESSIONS", "3"));
        await using var a = await AppInstance.StartAsync(azurite, prefix, settings);
        await using var b = await AppInstance.StartAsync(azurite, prefix, settings);
        var clients = new[] { new StreamApiClient(a.Client), new StreamApiClient(b.Client) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 7).Select(i => clients[i % 2].StartAsync($"limit-{i}-{Guid.NewGuid():N}")));
        var started = answers.Where(r => r.Status == HttpStatusCode.OK).ToList();
        Assert.Equal(3, started.Count);
        foreach (var refused in answers.Where(r => r.Status != HttpStatusCode.OK))
            refused.AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SessionLimitReached, "3 active sessions");

        (await clients[1].EndAsync(started[0].String("session_id"))).AssertStatus(HttpStatusCode.OK);
        (await clients[0].StartAsync("limit-after-" + Guid.NewGuid().ToString("N"))).AssertStatus(HttpStatusCode.OK);
        (await clients[0].StartAsync("limit-full-" + Guid.NewGuid().ToString("N"))).AssertError(HttpStatusCode.ServiceUnavailable, ErrorCodes.SessionLimitReached);
    }

    [Fact]
    public async Task Sweep_ExpiresIdleSessions_FreesTheTrack_AndRemovesTheirAudio()
    {
        // The timeout leaves room for the first frame to arrive on a machine busy with the rest of the suite.
        var settings = Settings(("INSIGHT_STREAM__SESSION_TIMEOUT_S", "5"), ("INSIGHT_STREAM__SWEEP_INTERVAL_S", "0.2"));
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);
        var client = new StreamApiClient(app.Client);
        var track = "idle-" + Guid.NewGuid().ToString("N");
        var idle = await client.StartSessionAsync(track);
        (await client.SendFrameAsync(idle, new byte[] { 1, 2, 3, 4 })).AssertStatus(HttpStatusCode.OK);

        // Read the record directly (no request touches the session) until the sweep has expired it.
        var records = app.Services.GetRequiredService<SessionRecords>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        StreamSession record;
        do
        {
            await Task.Delay(100);
            record = (await records.GetAsync(idle, default))!.Value.Value;
        }
        while (record.Status == SessionStatus.Active && DateTime.UtcNow < deadline);

        Assert.Equal(SessionStatus.Aborted, record.Status);
        Assert.Equal(SessionReasons.Expired, record.Reason);
        // The record is the commit point; releasing the track and deleting the audio follow it.
        var registry = app.Services.GetRequiredService<ActiveSessionRegistry>();
        Assert.True(await PipelineProbe.EventuallyAsync(async () =>
            (await registry.GetEntriesAsync(default)).Count == 0 && await StoredAudio.CountBlobsAsync(app.Services, idle) == 0,
            TimeSpan.FromSeconds(10)));

        (await client.SendFrameAsync(idle, new byte[] { 5, 6 })).AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionExpired);
        var status = (await client.StatusAsync(idle)).AssertStatus(HttpStatusCode.OK);
        Assert.Equal("aborted", status.String("status"));
        Assert.Equal("expired", status.String("reason"));
        await client.StartSessionAsync(track);
    }

    [Fact]
    public async Task ExpiredSession_DoesNotBlockItsTrack_BeforeTheSweepRuns()
    {
        var settings = Settings(("INSIGHT_STREAM__SESSION_TIMEOUT_S", "0.5"), ("INSIGHT_STREAM__SWEEP_INTERVAL_S", "3600"));
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(), settings);
        var client = new StreamApiClient(app.Client);
        var track = "lazy-" + Guid.NewGuid().ToString("N");
        var stale = await client.StartSessionAsync(track);

        await Task.Delay(900);
        await client.StartSessionAsync(track);
        (await client.SendFrameAsync(stale, new byte[] { 1, 2 })).AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionExpired);
    }

    [Fact]
    public async Task Sweep_ReleasesARegistryEntryLeftByAStartThatCrashedBeforeItsRecord()
    {
        await using var app = await AppInstance.StartAsync(await AzuriteServer.Shared, AppInstance.NewPrefix(),
            Settings(("INSIGHT_STREAM__MAX_SESSIONS", "1")));
        var registry = app.Services.GetRequiredService<ActiveSessionRegistry>();
        var orphan = new ActiveSessionEntry("ghost", Guid.NewGuid().ToString("D"), DateTimeOffset.UtcNow.AddMinutes(-5));
        await registry.AddAsync(orphan, maxSessions: 1, (_, _) => Task.FromResult(true), default);

        // The orphan holds no slot and no track: a start finds it stale on its own...
        var client = new StreamApiClient(app.Client);
        var live = await client.StartSessionAsync("ghost");
        Assert.Equal([live], (await registry.GetEntriesAsync(default)).Select(e => e.SessionId));

        // ...and the sweep drops one left beside a live session.
        await client.AbortAsync(live);
        await registry.AddAsync(orphan, maxSessions: 1, (_, _) => Task.FromResult(true), default);
        var report = await app.Services.GetRequiredService<StreamSessionService>().SweepAsync(default);
        Assert.Equal(new SweepReport(Checked: 1, Expired: 0, Released: 1), report);
        Assert.Empty(await registry.GetEntriesAsync(default));
    }
}
