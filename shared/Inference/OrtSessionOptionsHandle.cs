namespace AudioFunctions.Inference;

/// <summary>An <c>OrtSessionOptions</c>: the options one session is created with.</summary>
internal sealed unsafe class OrtSessionOptionsHandle(OrtApi api) : OrtHandle(api)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseSessionOptions(handle);
        return true;
    }
}
