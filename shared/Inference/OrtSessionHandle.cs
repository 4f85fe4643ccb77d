namespace AudioFunctions.Inference;

/// <summary>
/// An <c>OrtSession</c>. ONNX Runtime requires the environment to outlive every session made
/// in it, so the session holds a reference on its <see cref="OrtEnvHandle"/> and gives it back
/// only after the session itself is released.
/// </summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    private readonly OrtEnvHandle env;
    private bool envReferenced;

    public OrtSessionHandle(OrtApi api, OrtEnvHandle env)
        : base(api)
    {
        this.env = env;
        env.DangerousAddRef(ref envReferenced);
    }

    protected override bool ReleaseHandle()
    {
        Api.ReleaseSession(handle);
        ReleaseEnvReference();
        return true;
    }

    /// <summary>Gives the environment back when the session was never created (no handle to release).</summary>
    protected override void Dispose(bool disposing)
    {
        if (IsInvalid)
            ReleaseEnvReference();
        base.Dispose(disposing);
    }

    private void ReleaseEnvReference()
    {
        if (!envReferenced)
            return;
        envReferenced = false;
        env.DangerousRelease();
    }
}
