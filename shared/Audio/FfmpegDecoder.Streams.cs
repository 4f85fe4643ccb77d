using System.Buffers;
using System.Text;

namespace AudioFunctions.Audio;

// The copies between the caller's streams and ffmpeg's pipes, each through a pooled buffer.
public sealed partial class FfmpegDecoder
{
    /// <summary>The compressed input as a temporary file, readable by path, deleted when disposed.</summary>
    private static async Task<FileStream> SpoolAsync(Stream compressed, CancellationToken cancellationToken)
    {
        var spoolOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.Read,
            BufferSize = 0,
            Options = FileOptions.Asynchronous | FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows())
            spoolOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // the audio is the client's
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"audiofunctions-decode-{Guid.NewGuid():N}.mp3"), spoolOptions);
        try
        {
            await compressed.CopyToAsync(file, CopyBufferBytes, cancellationToken);
            await file.FlushAsync(cancellationToken);
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Copies the input into ffmpeg's standard input, then closes it (end of input). A write that
    /// fails means ffmpeg has stopped reading: it has ended, and its exit code says how.
    /// </summary>
    private static async Task PumpAsync(Stream source, Stream stdin, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken)) > 0)
            {
                try
                {
                    await stdin.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                catch (IOException)
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            try
            {
                await stdin.DisposeAsync();
            }
            catch (IOException)
            {
                // Already closed by ffmpeg's exit.
            }
        }
    }

    /// <summary>
    /// Reads ffmpeg's WAV output: parses the header, then writes the PCM after it to
    /// <paramref name="pcm"/>. Returns null when the output ends before a complete header.
    /// </summary>
    private static async Task<(StreamAudioFormat Format, long Bytes)?> CopyPcmAsync(Stream stdout, Stream pcm, CancellationToken cancellationToken)
    {
        // The header must fit in MaxHeaderBytes, so the copy buffer holds it whole while it arrives.
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(CopyBufferBytes, WavHeaderReader.MaxHeaderBytes));
        try
        {
            WavHeader header;
            var filled = 0;
            while (true)
            {
                var read = await stdout.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                    return null;
                filled += read;
                var status = WavHeaderReader.TryParse(buffer.AsSpan(0, filled), out header, out var error);
                if (status == WavParseStatus.Complete)
                    break;
                if (status == WavParseStatus.Invalid || filled == buffer.Length)
                    throw new AudioDecodeException($"ffmpeg's output could not be read as WAV: {error ?? "the header does not end"}.");
            }
            if (header.Format.Encoding != PcmEncoding.F32Le)
                throw new AudioDecodeException($"ffmpeg wrote {header.Format.Encoding} samples where 32-bit float was asked for.");

            // A data size ffmpeg could not fill in (its output is a pipe) leaves the audio running to the end.
            var dataBytes = header.DataBytes ?? long.MaxValue;
            var written = 0L;
            var chunk = buffer.AsMemory(header.HeaderBytes, filled - header.HeaderBytes);
            do
            {
                var take = (int)Math.Min(chunk.Length, dataBytes - written);
                if (take > 0)
                {
                    await pcm.WriteAsync(chunk[..take], cancellationToken);
                    written += take;
                }
                var read = await stdout.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken);
                chunk = buffer.AsMemory(0, read);
            }
            while (chunk.Length > 0);

            if (written % header.Format.BytesPerFrame != 0)
                throw new AudioDecodeException($"ffmpeg's output ended inside a sample frame, after {written} bytes of audio.");
            return (header.Format, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Drains ffmpeg's standard error to its end, keeping only the last <see cref="ErrorTailChars"/> characters.</summary>
    private static async Task CollectErrorsAsync(StreamReader stderr, StringBuilder tail)
    {
        var buffer = ArrayPool<char>.Shared.Rent(1024);
        try
        {
            int read;
            while ((read = await stderr.ReadAsync(buffer.AsMemory(0, 1024))) > 0)
            {
                tail.Append(buffer, 0, read);
                if (tail.Length > ErrorTailChars)
                    tail.Remove(0, tail.Length - ErrorTailChars);
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process: what arrived is what there is.
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
