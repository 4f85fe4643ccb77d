using Azure;
using Azure.Core;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using AudioFunctions.Audio;
using AudioFunctions.Sessions;

namespace AudioFunctions.Storage;

/// <summary>
/// Makes a session's audio available as one WAV blob (<c>audio/{session}.wav</c>) without the audio
/// passing through the app: the header is the only block uploaded; every PCM byte is staged by the
/// storage service itself from the session's blobs (Put Block From URL), then the block list is
/// committed. RF64 is written when the data passes what a RIFF header can count.
/// </summary>
public sealed class WavAssembler(StorageContainers containers, AudioSegmentStore audio, StorageAccount account, TimeProvider clock)
{
    /// <summary>Largest source range staged as one block: Put Block From URL takes 100 MiB on every service version.</summary>
    public const long MaxStagedBlockBytes = 100L * 1024 * 1024;

    /// <summary>How long the read permission handed to the storage service for the sources lasts.</summary>
    private static readonly TimeSpan SourceAccessLifetime = TimeSpan.FromHours(1);

    private static readonly string[] StorageScope = ["https://storage.azure.com/.default"];

    public static string WavBlobName(string sessionId) => $"{sessionId}.wav";

    /// <summary>
    /// Writes (or rewrites) the session's WAV from its PCM: the decoded audio of a compressed stream,
    /// else its acknowledged bytes, cut to whole sample frames. Returns the blob name.
    /// </summary>
    public async Task<string> AssembleAsync(StreamSession session, CancellationToken cancellationToken)
    {
        if (session.AwaitsDecoding)
            throw new InvalidOperationException($"Session {session.SessionId} has not been decoded yet.");
        await containers.EnsureCreatedAsync(cancellationToken);
        var format = session.PcmFormat;
        var sources = audio.PcmSources(session).ToList();
        long stored = 0;
        foreach (var (_, bytes) in sources)
            stored += bytes;
        var dataBytes = format.FramesIn(stored) * format.BytesPerFrame;

        var name = WavBlobName(session.SessionId);
        var target = containers.Audio.GetBlockBlobClient(name);
        var blockIds = new List<string>();
        var header = new byte[WavHeaderWriter.HeaderBytes(dataBytes)];
        WavHeaderWriter.Write(format, dataBytes, header);
        await StageAsync(target, blockIds, header, cancellationToken);

        var left = dataBytes;
        var authorization = await SourceAuthorizationAsync(cancellationToken);
        foreach (var (source, bytes) in sources)
        {
            var sourceUri = authorization is null ? ReadableUri(source) : source.Uri;
            for (long offset = 0; offset < bytes && left > 0;)
            {
                var count = Math.Min(Math.Min(MaxStagedBlockBytes, bytes - offset), left);
                var id = BlockId(blockIds.Count);
                await target.StageBlockFromUriAsync(sourceUri, id, new StageBlockFromUriOptions
                {
                    SourceRange = new HttpRange(offset, count),
                    SourceAuthentication = authorization,
                }, cancellationToken);
                blockIds.Add(id);
                offset += count;
                left -= count;
            }
        }
        if (dataBytes % 2 == 1)
            await StageAsync(target, blockIds, new byte[1], cancellationToken); // RIFF chunks are padded to even length

        await target.CommitBlockListAsync(blockIds, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "audio/wav" },
        }, cancellationToken);
        return name;
    }

    private static async Task StageAsync(BlockBlobClient target, List<string> blockIds, byte[] content, CancellationToken cancellationToken)
    {
        var id = BlockId(blockIds.Count);
        using var stream = new MemoryStream(content, writable: false);
        await target.StageBlockAsync(id, stream, cancellationToken: cancellationToken);
        blockIds.Add(id);
    }

    /// <summary>Block ids of one blob must all have the same length: a fixed-width counter, base64-encoded.</summary>
    private static string BlockId(int index) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"wav-{index:D8}"));

    /// <summary>
    /// With a shared key (Azurite, or a connection string) each source gets a short read-only SAS;
    /// with an identity the storage service is shown a bearer token for the sources instead.
    /// </summary>
    private async Task<HttpAuthorization?> SourceAuthorizationAsync(CancellationToken cancellationToken)
    {
        if (account.Credential is null)
            return null;
        var token = await account.Credential.GetTokenAsync(new TokenRequestContext(StorageScope), cancellationToken);
        return new HttpAuthorization("Bearer", token.Token);
    }

    private Uri ReadableUri(BlobBaseClient source) =>
        source.CanGenerateSasUri
            ? source.GenerateSasUri(BlobSasPermissions.Read, clock.GetUtcNow() + SourceAccessLifetime)
            : source.Uri;
}
