using System.Text.Json.Nodes;
using AudioFunctions.Audio;
using AudioFunctions.Events;
using AudioFunctions.Storage;

namespace AudioFunctions.Sessions;

/// <summary>The events of a session's life, built in one place so their shapes stay documented and stable.</summary>
public static class SessionEvents
{
    public static AudioEvent Started(StreamSession session) => AudioEvent.ForSession(EventTypes.SessionStarted, session.SessionId, new JsonObject
    {
        ["session_id"] = session.SessionId,
        ["track_id"] = session.TrackId,
        ["format"] = session.Format.Encoding.ToWireName(),
        ["sample_rate"] = session.Format.SampleRateHz,
        ["channels"] = session.Format.Channels,
    });

    /// <summary>A claim check: where the chunk's bytes are (container <c>{prefix}audio</c>), never the bytes.</summary>
    public static AudioEvent ChunkReceived(StreamSession committed, AudioSegment segment, int length) =>
        AudioEvent.ForSession(EventTypes.ChunkReceived, committed.SessionId, new JsonObject
        {
            ["session_id"] = committed.SessionId,
            ["seq"] = committed.NextSeq - 1,
            ["bytes"] = length,
            ["total_bytes"] = committed.TotalBytes,
            ["blob"] = AudioSegmentStore.SegmentBlobName(committed.SessionId, segment.Index),
            ["blob_offset"] = segment.Bytes,
        });

    public static AudioEvent WindowEmbedded(StreamSession session, int window) => AudioEvent.ForSession(EventTypes.WindowEmbedded, session.SessionId, new JsonObject
    {
        ["session_id"] = session.SessionId,
        ["track_id"] = session.TrackId,
        ["window"] = window,
        ["windows_completed"] = session.WindowsCompleted,
    });

    /// <summary>Completed, aborted, expired or error.</summary>
    public static AudioEvent Ended(string type, StreamSession session)
    {
        var data = new JsonObject
        {
            ["session_id"] = session.SessionId,
            ["track_id"] = session.TrackId,
            ["status"] = session.Status.ToString().ToLowerInvariant(),
            ["duration_s"] = session.BufferedSeconds,
        };
        if (session.Reason is { } reason)
            data["reason"] = reason;
        if (session.Result is { } result)
        {
            data["windows_processed"] = result.WindowsProcessed;
            data["text_stored"] = result.TextStored;
            data["audio_stored"] = result.AudioStored;
        }
        return AudioEvent.ForSession(type, session.SessionId, data);
    }

    public static AudioEvent TrackStored(StreamSession session, IEnumerable<string> spaces) =>
        new(EventTypes.TrackStored, $"tracks/{session.TrackId}", new JsonObject
        {
            ["track_id"] = session.TrackId,
            ["session_id"] = session.SessionId,
            ["spaces"] = new JsonArray([.. spaces.Select(s => JsonValue.Create(s))]),
        });
}
