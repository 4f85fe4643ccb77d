using AudioFunctions.Audio;
using AudioFunctions.Errors;

namespace AudioFunctions.Sessions;

/// <summary>
/// What one incoming chunk does to a session: the audio bytes it adds to storage, and how it moves
/// the reading of a WAV header. For PCM and compressed streams every byte is audio; a WAV stream's
/// header bytes wait in the record until the header is whole, then decide the format, and bytes past
/// the data chunk (trailing metadata chunks) are acknowledged but not audio.
/// </summary>
internal readonly record struct ChunkPlan(
    ReadOnlyMemory<byte> Audio,
    StreamAudioFormat Format,
    AudioContainer Container,
    WavHeaderProgress? WavHeader,
    long? WavDataBytes)
{
    public static ChunkPlan For(StreamSession session, ReadOnlyMemory<byte> chunk)
    {
        if (session.WavHeader is { } progress)
            return ReadingHeader(session, progress, chunk);
        if (session.WavDataBytes is { } dataBytes)
        {
            // Every stored byte of a WAV stream is data, so what is left of the data chunk follows from the total.
            var left = Math.Max(0, dataBytes - session.TotalBytes);
            return new(chunk[..(int)Math.Min(chunk.Length, left)], session.Format, session.Container, null, dataBytes);
        }
        return new(chunk, session.Format, session.Container, null, null);
    }

    /// <summary>The record as this chunk leaves it (segments, counters and leases are the caller's).</summary>
    public StreamSession ApplyTo(StreamSession session) => session with
    {
        Format = Format,
        Container = Container,
        WavHeader = WavHeader,
        WavDataBytes = WavDataBytes,
    };

    private static ChunkPlan ReadingHeader(StreamSession session, WavHeaderProgress progress, ReadOnlyMemory<byte> chunk)
    {
        var received = new byte[progress.Received.Length + chunk.Length];
        progress.Received.CopyTo(received, 0);
        chunk.Span.CopyTo(received.AsSpan(progress.Received.Length));

        switch (WavHeaderReader.Probe(received))
        {
            case WavProbe.NeedMoreData:
                return Waiting(session, progress, received);
            case WavProbe.NotWav:
                // Bare PCM sent as "wav": the declared shape applies and every byte is audio.
                return new(received, session.Format, AudioContainer.Pcm, null, null);
        }

        switch (WavHeaderReader.TryParse(received, out var header, out var error))
        {
            case WavParseStatus.NeedMoreData when received.Length < WavHeaderReader.MaxHeaderBytes:
                return Waiting(session, progress, received);
            case WavParseStatus.NeedMoreData:
                throw ServiceException.BadRequest(ErrorCodes.InvalidWavHeader,
                    $"The WAV header has no data chunk within its first {WavHeaderReader.MaxHeaderBytes} bytes.");
            case WavParseStatus.Invalid:
                throw ServiceException.BadRequest(ErrorCodes.InvalidWavHeader, error ?? "The WAV header is malformed.");
        }

        var format = header.Format;
        if ((progress.DeclaredSampleRateHz is { } rate && rate != format.SampleRateHz)
            || (progress.DeclaredChannels is { } channels && channels != format.Channels))
            throw ServiceException.BadRequest(ErrorCodes.FormatMismatch,
                $"The WAV header says {format.SampleRateHz} Hz with {format.Channels} channel(s), but the session was opened with " +
                $"sample_rate={progress.DeclaredSampleRateHz?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unset)"} and " +
                $"channels={progress.DeclaredChannels?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unset)"}.");

        var audio = received.AsMemory(header.HeaderBytes);
        if (header.DataBytes is { } dataBytes)
        {
            return new(audio[..(int)Math.Min(audio.Length, dataBytes)], format, AudioContainer.Wav, null, dataBytes);
        }
        return new(audio, format, AudioContainer.Wav, null, null);
    }

    private static ChunkPlan Waiting(StreamSession session, WavHeaderProgress progress, byte[] received) =>
        new(ReadOnlyMemory<byte>.Empty, session.Format, session.Container, progress with { Received = received }, null);
}
