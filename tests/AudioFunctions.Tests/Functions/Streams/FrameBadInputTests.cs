using System.Net;
using System.Net.Http.Headers;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Http;
using AudioFunctions.Tests.Infrastructure;
using static AudioFunctions.Tests.Functions.Streams.StreamTestBodies;

namespace AudioFunctions.Tests.Functions.Streams;

/// <summary>
/// Bad frames (reference 000, Flow 1): unknown sessions, empty or oversized frames, bad <c>?seq=</c>,
/// control Content-Types, and frames after end or abort. None changes the stored progress.
/// </summary>
public sealed class FrameBadInputTests(StreamBadInputApp fixture) : StreamBadInputTestBase(fixture)
{
    /// <summary>The stored progress of a session: acknowledged bytes and the next seq.</summary>
    private async Task<(long TotalBytes, long NextSeq, double Buffered)> ProgressAsync(string sessionId)
    {
        var record = await StoredAudio.RecordAsync(App.Services, sessionId);
        var status = await Client().StatusAsync(sessionId);
        status.AssertStatus(HttpStatusCode.OK);
        return (record.TotalBytes, record.NextSeq, status.Number("buffered_seconds"));
    }

    private async Task<ApiResponse> PostFrameAsync(string path, byte[] body, string? contentType)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await Client().SendAsync(request);
    }

    // ================================================================ frames

    [Fact]
    public async Task Frames_Returns404SessionNotFound_WhenSessionIdIsAnUnknownGuid()
    {
        var id = Guid.NewGuid().ToString("D");

        var response = await Client().SendFrameAsync(id, Pcm(8));

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, id);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("..%2F..")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("not-a-guid-at-all")]
    public async Task Frames_Returns404SessionNotFound_WhenSessionIdIsNotAGuid(string id)
    {
        var response = await PostFrameAsync($"/api/v1/stream/{id}/frames", Pcm(8), MediaTypes.OctetStream);

        response.AssertError(HttpStatusCode.NotFound, ErrorCodes.SessionNotFound, "No session");
    }

    [Fact]
    public async Task Frames_Returns400EmptyFrame_WhenBodyIsEmpty_AndChangesNothing()
    {
        var sessionId = await StartSessionAsync(App);
        (await Client().SendFrameAsync(sessionId, Pcm(400))).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await Client().SendFrameAsync(sessionId, ReadOnlyMemory<byte>.Empty);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.EmptyFrame, "no bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns413FrameTooLarge_WhenFrameIsOneByteOverTheLimit_AndChangesNothing()
    {
        var sessionId = await StartSessionAsync(App);
        (await Client().SendFrameAsync(sessionId, Pcm(400))).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await Client().SendFrameAsync(sessionId, Pcm(StreamBadInputApp.MaxFrameBytes + 1));

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.FrameTooLarge, "at most 1000 bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns413FrameTooLarge_NotAConnectionReset_WhenAFrameFarOverTheLimitIsUploadedWhole()
    {
        var sessionId = await StartSessionAsync(App);
        var before = await ProgressAsync(sessionId);

        // 1.5 MiB against a 1000-byte limit, sent without Expect: 100-continue: the client is still
        // uploading when the app has decided, and must still get to read the 413.
        var response = await Client().SendFrameAsync(sessionId, Pcm(3 * 512 * 1024));

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.FrameTooLarge, "at most 1000 bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns413FrameTooLarge_WhenChunkedFrameWithoutLengthIsOverTheLimit()
    {
        var sessionId = await StartSessionAsync(App);
        var before = await ProgressAsync(sessionId);
        using var stream = new NonSeekableStream(Pcm(StreamBadInputApp.MaxFrameBytes + 1));
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stream/{sessionId}/frames") { Content = content };
        Assert.Null(content.Headers.ContentLength); // sent chunked: only reading tells the size

        var response = await Client().SendAsync(request);

        response.AssertError(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.FrameTooLarge, "at most 1000 bytes");
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns200_WhenFrameIsExactlyTheLimit()
    {
        var sessionId = await StartSessionAsync(App);

        var response = await Client().SendFrameAsync(sessionId, Pcm(StreamBadInputApp.MaxFrameBytes));

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(1, response.Integer("next_seq"));
        // 1000 bytes of 16-bit stereo are 250 sample frames at 44.1 kHz.
        Assert.Equal(250.0 / 44100, response.Number("buffered_seconds"), 9);
        var record = await StoredAudio.RecordAsync(App.Services, sessionId);
        Assert.Equal(StreamBadInputApp.MaxFrameBytes, record.TotalBytes);
    }

    [Theory]
    [InlineData("seq=-1")]
    [InlineData("seq=abc")]
    [InlineData("seq=1.5")]
    [InlineData("seq=1&seq=2")]
    [InlineData("seq=")]
    [InlineData("seq=%2B1")]
    [InlineData("seq=99999999999999999999")]
    public async Task Frames_Returns400InvalidSeq_WhenSeqIsNotOneNonNegativeInteger(string query)
    {
        var sessionId = await StartSessionAsync(App);
        (await Client().SendFrameAsync(sessionId, Pcm(400), seq: 0)).AssertStatus(HttpStatusCode.OK);
        var before = await ProgressAsync(sessionId);

        var response = await PostFrameAsync($"/api/v1/stream/{sessionId}/frames?{query}", Pcm(400), MediaTypes.OctetStream);

        response.AssertError(HttpStatusCode.BadRequest, ErrorCodes.InvalidSeq, "seq must be one non-negative integer");
        Assert.Equal(before, await ProgressAsync(sessionId));
        // The session still takes the next frame in order.
        var next = await Client().SendFrameAsync(sessionId, Pcm(400), seq: 1);
        next.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, next.Integer("next_seq"));
    }

    [Theory]
    [InlineData(MediaTypes.Json)]
    [InlineData(MediaTypes.MsgPack)]
    [InlineData("application/problem+json")]
    public async Task Frames_Returns415UnsupportedMediaType_WhenContentTypeIsAControlFormat(string contentType)
    {
        var sessionId = await StartSessionAsync(App);
        var before = await ProgressAsync(sessionId);

        var response = await PostFrameAsync($"/api/v1/stream/{sessionId}/frames", Pcm(400), contentType);

        response.AssertError(HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, MediaTypes.OctetStream);
        Assert.Equal(before, await ProgressAsync(sessionId));
    }

    [Fact]
    public async Task Frames_Returns409SessionEnded_AfterEnd()
    {
        var client = Client();
        var sessionId = await StartSessionAsync(App);
        (await client.EndAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var response = await client.SendFrameAsync(sessionId, Pcm(400));

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionEnded, sessionId);
        Assert.Equal(0, (await StoredAudio.RecordAsync(App.Services, sessionId)).TotalBytes);
    }

    [Fact]
    public async Task Frames_Returns409SessionAborted_AfterAbort()
    {
        var client = Client();
        var sessionId = await StartSessionAsync(App);
        (await client.AbortAsync(sessionId)).AssertStatus(HttpStatusCode.OK);

        var response = await client.SendFrameAsync(sessionId, Pcm(400));

        response.AssertError(HttpStatusCode.Conflict, ErrorCodes.SessionAborted, "was aborted");
        Assert.Equal(0, await StoredAudio.CountBlobsAsync(App.Services, sessionId));
    }

    /// <summary>A stream that cannot report its length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
