namespace AudioFunctions.Inference;

/// <summary>An <c>OrtValue</c> tensor: an input wrapping a pinned managed buffer, or an output ONNX Runtime allocated.</summary>
internal sealed unsafe class OrtValueHandle(OrtApi api) : OrtHandle(api)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseValue(handle);
        return true;
    }
}
