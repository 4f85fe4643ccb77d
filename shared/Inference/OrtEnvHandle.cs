namespace AudioFunctions.Inference;

/// <summary>An <c>OrtEnv</c>: the process's ONNX Runtime environment (logging, thread pools); sessions keep it alive.</summary>
internal sealed unsafe class OrtEnvHandle(OrtApi api) : OrtHandle(api)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseEnv(handle);
        return true;
    }
}
