using System.Net;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using AudioFunctions.Wire;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// Shared pieces of the stream bad-input tests (reference 000, Flow 1): request bodies, theory data
/// and the checks that a rejected request changed nothing.
/// </summary>
internal static class StreamTestBodies
{
    internal const string StartPath = "/api/v1/stream/start";

    internal static readonly BodyFormat[] Formats = [BodyFormat.Json, BodyFormat.MsgPack];

    internal static string NewTrack() => "bad-" + Guid.NewGuid().ToString("N");

    /// <summary>A valid start body for <paramref name="trackId"/>, with <paramref name="changes"/> applied (a null value removes the field).</summary>
    internal static WireValue StartBody(string trackId, params (string Key, WireValue? Value)[] changes)
    {
        var fields = new List<KeyValuePair<string, WireValue>>
        {
            new("track_id", WireValue.String(trackId)),
            new("metadata", StreamApiClient.Metadata("Song", "Artist")),
            new("format", WireValue.String("pcm_s16_le")),
            new("sample_rate", WireValue.Integer(44100)),
            new("channels", WireValue.Integer(2)),
        };
        foreach (var (key, value) in changes)
        {
            var index = fields.FindIndex(f => f.Key == key);
            if (value is null)
            {
                if (index >= 0)
                    fields.RemoveAt(index);
            }
            else if (index >= 0)
                fields[index] = new(key, value);
            else
                fields.Add(new(key, value));
        }
        return WireValue.Map(fields);
    }

    /// <summary>Every value in <paramref name="values"/> once for each body format.</summary>
    internal static TheoryData<BodyFormat, T> Cross<T>(params T[] values)
    {
        var data = new TheoryData<BodyFormat, T>();
        foreach (var format in Formats)
            foreach (var value in values)
                data.Add(format, value);
        return data;
    }

    internal static byte[] Pcm(int bytes)
    {
        var data = new byte[bytes];
        for (var i = 0; i < data.Length; i++)
            data[i] = (byte)(i * 7);
        return data;
    }

    /// <summary>A rejected start must leave the track free: a valid start of it now gets 200 (not 409).</summary>
    internal static async Task AssertTrackIsFreeAsync(AppInstance app, string trackId)
    {
        var client = new StreamApiClient(app.Client);
        var response = await client.StartAsync(trackId);
        response.AssertStatus(HttpStatusCode.OK);
        (await client.AbortAsync(response.String("session_id"))).AssertStatus(HttpStatusCode.OK);
    }

    internal static async Task<string> StartSessionAsync(AppInstance app) => await new StreamApiClient(app.Client).StartSessionAsync(NewTrack());
}
