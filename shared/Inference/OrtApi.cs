using System.Runtime.InteropServices;

namespace AudioFunctions.Inference;

/// <summary>
/// The functions of one loaded ONNX Runtime's <c>OrtApi</c> table that this binding uses, read
/// by slot (<see cref="OrtApiSlot"/>). Every <c>OrtStatus*</c> they return goes through
/// <see cref="Check"/>: null is success, anything else becomes an <see cref="OnnxRuntimeException"/>.
/// Handles are passed as <see cref="IntPtr"/>; C <c>size_t</c> is <see cref="nuint"/>, C enums are <see cref="int"/>.
/// </summary>
internal sealed unsafe class OrtApi
{
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int> GetErrorCode;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*> GetErrorMessage;
    public readonly delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr> CreateEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr> CreateSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr> Run;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> CreateSessionOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr> SessionGetOutputName;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr> GetTensorMutableData;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr> GetTensorElementType;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr> GetDimensions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    public readonly delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr> AllocatorFree;
    public readonly delegate* unmanaged[Cdecl]<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ReleaseSessionOptions;

    /// <param name="table">The <c>const OrtApi*</c> that <c>OrtApiBase::GetApi</c> returned.</param>
    /// <param name="version">The library's own version string, from <c>OrtApiBase::GetVersionString</c>.</param>
    public OrtApi(void** table, string version)
    {
        Version = version;
        GetErrorCode = (delegate* unmanaged[Cdecl]<IntPtr, int>)table[OrtApiSlot.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged[Cdecl]<IntPtr, byte*>)table[OrtApiSlot.GetErrorMessage];
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, IntPtr*, IntPtr>)table[OrtApiSlot.CreateEnv];
        CreateSession = (delegate* unmanaged[Cdecl]<IntPtr, byte*, IntPtr, IntPtr*, IntPtr>)table[OrtApiSlot.CreateSession];
        Run = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr, byte**, IntPtr*, nuint, byte**, nuint, IntPtr*, IntPtr>)table[OrtApiSlot.Run];
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[OrtApiSlot.CreateSessionOptions];
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)table[OrtApiSlot.SetIntraOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[OrtApiSlot.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[OrtApiSlot.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[OrtApiSlot.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr*, IntPtr>)table[OrtApiSlot.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[OrtApiSlot.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<IntPtr, nuint, IntPtr, byte**, IntPtr>)table[OrtApiSlot.SessionGetOutputName];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)table[OrtApiSlot.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<IntPtr, void**, IntPtr>)table[OrtApiSlot.GetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[OrtApiSlot.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[OrtApiSlot.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged[Cdecl]<IntPtr, int*, IntPtr>)table[OrtApiSlot.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<IntPtr, nuint*, IntPtr>)table[OrtApiSlot.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged[Cdecl]<IntPtr, long*, nuint, IntPtr>)table[OrtApiSlot.GetDimensions];
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<IntPtr, IntPtr*, IntPtr>)table[OrtApiSlot.GetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, IntPtr*, IntPtr>)table[OrtApiSlot.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged[Cdecl]<IntPtr, void*, IntPtr>)table[OrtApiSlot.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<IntPtr*, IntPtr>)table[OrtApiSlot.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseSession];
        ReleaseValue = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseValue];
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<IntPtr, void>)table[OrtApiSlot.ReleaseSessionOptions];
    }

    /// <summary>The library's version, e.g. "1.22.0".</summary>
    public string Version { get; }

    /// <summary>Throws the error that <paramref name="status"/> carries, releasing it; null is success.</summary>
    public void Check(IntPtr status)
    {
        if (status == IntPtr.Zero)
            return;
        var code = (OrtErrorCode)GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(status)) ?? "";
        ReleaseStatus(status);
        throw new OnnxRuntimeException(code, message);
    }
}
