namespace AudioFunctions.Inference;

/// <summary>
/// Positions of the functions this binding calls in the <c>OrtApi</c> table (pointer-sized
/// slots, counted from 0 in the order <c>struct OrtApi</c> of <c>onnxruntime_c_api.h</c> declares
/// them). All of them belong to version 1 of the table, which ONNX Runtime freezes: later versions
/// only append, and its own build asserts <c>ReleaseCustomOpDomain</c> sits at slot 101.
/// </summary>
internal static class OrtApiSlot
{
    public const int GetErrorCode = 1;
    public const int GetErrorMessage = 2;
    public const int CreateEnv = 3;
    public const int CreateSession = 7;
    public const int Run = 9;
    public const int CreateSessionOptions = 10;
    public const int SetIntraOpNumThreads = 24;
    public const int SessionGetInputCount = 30;
    public const int SessionGetOutputCount = 31;
    public const int SessionGetInputTypeInfo = 33;
    public const int SessionGetOutputTypeInfo = 34;
    public const int SessionGetInputName = 36;
    public const int SessionGetOutputName = 37;
    public const int CreateTensorWithDataAsOrtValue = 49;
    public const int GetTensorMutableData = 51;
    public const int CastTypeInfoToTensorInfo = 55;
    public const int GetOnnxTypeFromTypeInfo = 56;
    public const int GetTensorElementType = 60;
    public const int GetDimensionsCount = 61;
    public const int GetDimensions = 62;
    public const int GetTensorTypeAndShape = 65;
    public const int CreateCpuMemoryInfo = 69;
    public const int AllocatorFree = 76;
    public const int GetAllocatorWithDefaultOptions = 78;
    public const int ReleaseEnv = 92;
    public const int ReleaseStatus = 93;
    public const int ReleaseMemoryInfo = 94;
    public const int ReleaseSession = 95;
    public const int ReleaseValue = 96;
    public const int ReleaseTypeInfo = 98;
    public const int ReleaseTensorTypeAndShapeInfo = 99;
    public const int ReleaseSessionOptions = 100;
}
