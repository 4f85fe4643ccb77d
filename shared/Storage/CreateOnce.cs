namespace AudioFunctions.Storage;

/// <summary>
/// Runs a creation (containers, queues) once per process, on first use rather than at start-up, so
/// the app starts while storage is unreachable. A failed attempt is tried again by the next caller.
/// </summary>
internal sealed class CreateOnce(Func<CancellationToken, Task> create)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>Cheap once the creation has succeeded.</summary>
    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
            return;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_done)
            {
                await create(cancellationToken);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
