using System.Collections.Concurrent;

namespace AudioFunctions.Inference;

/// <summary>
/// Up to <see cref="Size"/> sessions of one model, handed out one run at a time. With one intra-op thread per
/// session (the default), this is what lets concurrent windows use every core while bounding the memory a model
/// takes: a run waits when all sessions are busy. The first session is opened at construction, so a bad model
/// fails there; the others open when first needed.
/// </summary>
public sealed class OnnxSessionPool : IDisposable
{
    private readonly OnnxRuntime runtime;
    private readonly ConcurrentBag<OnnxSession> idle = [];
    private readonly ConcurrentBag<OnnxSession> all = [];
    private readonly SemaphoreSlim available;
    private int opened;

    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model.</exception>
    public OnnxSessionPool(OnnxRuntime runtime, string modelPath, int size)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        this.runtime = runtime;
        ModelPath = modelPath;
        Size = size;
        var first = runtime.OpenSession(modelPath);
        all.Add(first);
        idle.Add(first);
        opened = 1;
        Inputs = first.Inputs;
        Outputs = first.Outputs;
        available = new SemaphoreSlim(size, size);
    }

    public string ModelPath { get; }

    public int Size { get; }

    /// <summary>The model's inputs, in the model's order.</summary>
    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    /// <summary>The model's outputs, in the model's order.</summary>
    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    /// <summary>Waits for a free session; dispose the lease to give it back.</summary>
    public Lease Rent()
    {
        available.Wait();
        if (idle.TryTake(out var session))
            return new Lease(this, session);
        try
        {
            // Fewer than Size sessions are open whenever none is idle but the semaphore let us in.
            session = runtime.OpenSession(ModelPath);
            Interlocked.Increment(ref opened);
            all.Add(session);
            return new Lease(this, session);
        }
        catch
        {
            available.Release();
            throw;
        }
    }

    /// <summary>Sessions opened so far (at most <see cref="Size"/>).</summary>
    public int Opened => Volatile.Read(ref opened);

    public void Dispose()
    {
        foreach (var session in all)
            session.Dispose();
        available.Dispose();
    }

    private void Return(OnnxSession session)
    {
        idle.Add(session);
        available.Release();
    }

    /// <summary>One session, lent for one or more runs.</summary>
    public readonly struct Lease(OnnxSessionPool pool, OnnxSession session) : IDisposable
    {
        public OnnxSession Session => session;

        public void Dispose() => pool?.Return(session);
    }
}
