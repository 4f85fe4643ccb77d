using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using AudioFunctions.Sessions;
using AudioFunctions.Storage;
using AudioFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AudioFunctions.Tests.Functions.Sockets;

/// <summary>What the live tests check again and again: refusals, error replies, session information and what storage holds.</summary>
internal static class LiveAudioExpectations
{
    /// <summary>The close codes of RFC 6455 §7.4 the API uses, as numbers: they are the contract.</summary>
    public const int NormalClosure = 1000;
    public const int PolicyViolation = 1008;
    public const int MessageTooBig = 1009;
    public const int TryAgainLater = 1013;

    /// <summary>
    /// The connection is closed with <paramref name="code"/> before any message: the close reason
    /// carries every one of <paramref name="reasonParts"/>. Returns the reason.
    /// </summary>
    public static Task<string> AssertRefusedAsync(LiveAudioClient client, int code, params string[] reasonParts) =>
        AssertClosedAsync(client, code, reasonParts);

    /// <summary>The next message is the server's close with <paramref name="code"/> and a reason carrying <paramref name="reasonParts"/>.</summary>
    public static async Task<string> AssertClosedAsync(LiveAudioClient client, int code, params string[] reasonParts)
    {
        var (type, payload) = await client.ReceiveAsync();
        Assert.True(type == WebSocketMessageType.Close,
            $"expected a close but got a {type} message: {System.Text.Encoding.UTF8.GetString(payload)}");
        var reason = client.Socket.CloseStatusDescription ?? "";
        Assert.True((int?)client.Socket.CloseStatus == code, $"expected close {code} but got {(int?)client.Socket.CloseStatus} '{reason}'");
        Assert.False(string.IsNullOrWhiteSpace(reason), "the close carries no reason");
        foreach (var part in reasonParts)
            Assert.Contains(part, reason, StringComparison.Ordinal);
        return reason;
    }

    /// <summary>An error reply of the reference's shape (<c>status</c> "error") with our code and a detail carrying <paramref name="detailParts"/>.</summary>
    public static JsonObject AssertErrorReply(JsonObject reply, string sessionId, string errorCode, params string[] detailParts)
    {
        Assert.Equal("error", (string?)reply["status"]);
        Assert.Equal(sessionId, (string?)reply["session_id"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)reply["message"]), reply.ToJsonString());
        Assert.Equal(errorCode, (string?)reply["error"]);
        var detail = (string?)reply["detail"] ?? "";
        foreach (var part in detailParts)
            Assert.Contains(part, detail, StringComparison.Ordinal);
        return reply;
    }

    public static void AssertAck(JsonObject ack, string sessionId, long chunkCount)
    {
        Assert.Equal("Chunk processed successfully", (string?)ack["message"]);
        Assert.Equal(sessionId, (string?)ack["session_id"]);
        Assert.Equal(chunkCount, (long?)ack["chunk_count"]);
        Assert.Equal("active", (string?)ack["status"]);
    }

    /// <summary><c>GET /api/audio/sessions/{id}</c>, which must answer 200 with JSON.</summary>
    public static async Task<JsonObject> InfoAsync(AppInstance app, string sessionId)
    {
        using var response = await app.Client.GetAsync($"/api/audio/sessions/{sessionId}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200 but got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>How many session records exist and how many sessions hold a slot of the service-wide limit.</summary>
    public static async Task<(int Records, int Registered)> SessionCountsAsync(AppInstance app)
    {
        var records = 0;
        var container = app.Services.GetRequiredService<StorageContainers>().Sessions;
        // The app creates its containers on its first write; before that there is nothing to count.
        if ((await container.ExistsAsync()).Value)
            await foreach (var _ in container.GetBlobsAsync(prefix: "records/"))
                records++;
        var registered = (await app.Services.GetRequiredService<ActiveSessionRegistry>().GetEntriesAsync(CancellationToken.None)).Count;
        return (records, registered);
    }

    /// <summary>Whether any record exists for <paramref name="sessionId"/>.</summary>
    public static async Task<bool> RecordExistsAsync(AppInstance app, string sessionId) =>
        (await app.Services.GetRequiredService<SessionRecords>().GetAsync(sessionId, CancellationToken.None)) is not null;
}
