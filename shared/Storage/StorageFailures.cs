using System.Net.Sockets;
using Azure;

namespace AudioFunctions.Storage;

/// <summary>Tells a storage outage (unreachable, timing out, failing on its side) from a bug.</summary>
public static class StorageFailures
{
    /// <summary>
    /// True when <paramref name="exception"/> means storage could not do the work: a transport
    /// failure, a timeout, or a 5xx, possibly wrapped in the AggregateException Azure.Core throws
    /// once its retries are spent. Inside that wrapper a cancellation is a try that hit the network
    /// timeout (the caller's own cancellation is never wrapped).
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => e is OperationCanceledException || IsUnavailable(e)),
        HttpRequestException or SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}
