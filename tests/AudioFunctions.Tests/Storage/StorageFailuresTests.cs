using System.Net.Sockets;
using Azure;
using AudioFunctions.Storage;

namespace AudioFunctions.Tests.Storage;

public sealed class StorageFailuresTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new RequestFailedException(503, "busy"), true },
        { new RequestFailedException(0, "no response"), true },
        { new RequestFailedException(409, "conflict"), false },
        { new SocketException((int)SocketError.ConnectionRefused), true },
        { new HttpRequestException("refused"), true },
        // What Azure.Core throws when every try hit its network timeout.
        { new AggregateException("Retry failed after 2 tries.", new TaskCanceledException(), new TaskCanceledException()), true },
        { new AggregateException("Retry failed after 2 tries.", new TaskCanceledException(), new RequestFailedException(500, "x")), true },
        { new AggregateException("Retry failed after 2 tries.", new TaskCanceledException(), new InvalidOperationException()), false },
        { new AggregateException(), false },
        { new TaskCanceledException(), false },
        { new InvalidOperationException(), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsUnavailable_TellsOutagesFromBugs(Exception exception, bool unavailable) =>
        Assert.Equal(unavailable, StorageFailures.IsUnavailable(exception));
}
