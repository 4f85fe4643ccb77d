namespace AudioFunctions.Inference;

/// <summary>An <c>OrtMemoryInfo</c>: a description of CPU memory that input tensors borrow from managed buffers.</summary>
internal sealed unsafe class OrtMemoryInfoHandle(OrtApi api) : OrtHandle(api)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseMemoryInfo(handle);
        return true;
    }
}
