using System.Runtime.InteropServices;

namespace AudioFunctions.Inference;

/// <summary>
/// One loaded model, ready to run. Thread-safe: ONNX Runtime allows concurrent runs of one
/// session, and the metadata is read once at open. Dispose to free the model's memory.
/// </summary>
public sealed partial class OnnxSession : IDisposable
{
    // ONNXType.ONNX_TYPE_TENSOR: the only kind of value whose element type and shape are reported.
    private const int OnnxTypeTensor = 1;

    // OrtAllocatorType.OrtDeviceAllocator and OrtMemType.OrtMemTypeDefault: plain CPU memory,
    // which is what pinned managed buffers are.
    private const int DeviceAllocator = 0;
    private const int MemTypeDefault = 0;

    private readonly OrtApi api;
    private readonly OrtSessionHandle session;
    private readonly OrtMemoryInfoHandle cpuMemory;

    internal unsafe OnnxSession(OrtApi api, OrtSessionHandle session)
    {
        this.api = api;
        this.session = session;
        cpuMemory = new OrtMemoryInfoHandle(api);
        IntPtr memoryInfo;
        api.Check(api.CreateCpuMemoryInfo(DeviceAllocator, MemTypeDefault, &memoryInfo));
        cpuMemory.Adopt(memoryInfo);

        IntPtr allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));   // shared by ONNX Runtime: never freed
        var handle = session.DangerousGetHandle();
        nuint inputCount, outputCount;
        api.Check(api.SessionGetInputCount(handle, &inputCount));
        api.Check(api.SessionGetOutputCount(handle, &outputCount));
        var inputs = new OnnxNodeInfo[(int)inputCount];
        for (var i = 0; i < inputs.Length; i++)
            inputs[i] = ReadNode(handle, allocator, (nuint)i, output: false);
        var outputs = new OnnxNodeInfo[(int)outputCount];
        for (var i = 0; i < outputs.Length; i++)
            outputs[i] = ReadNode(handle, allocator, (nuint)i, output: true);
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The model's inputs, in the model's order.</summary>
    public IReadOnlyList<OnnxNodeInfo> Inputs { get; }

    /// <summary>The model's outputs, in the model's order.</summary>
    public IReadOnlyList<OnnxNodeInfo> Outputs { get; }

    public void Dispose()
    {
        session.Dispose();
        cpuMemory.Dispose();
    }

    private unsafe OnnxNodeInfo ReadNode(IntPtr handle, IntPtr allocator, nuint index, bool output)
    {
        byte* namePointer;
        api.Check(output
            ? api.SessionGetOutputName(handle, index, allocator, &namePointer)
            : api.SessionGetInputName(handle, index, allocator, &namePointer));
        string name;
        try
        {
            name = Marshal.PtrToStringUTF8((IntPtr)namePointer) ?? "";
        }
        finally
        {
            api.Check(api.AllocatorFree(allocator, namePointer));
        }

        IntPtr typeInfo;
        api.Check(output
            ? api.SessionGetOutputTypeInfo(handle, index, &typeInfo)
            : api.SessionGetInputTypeInfo(handle, index, &typeInfo));
        try
        {
            int onnxType;
            api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
            if (onnxType != OnnxTypeTensor)
                return new OnnxNodeInfo(name, TensorElementType.Undefined, []);
            IntPtr tensorInfo;   // owned by typeInfo
            api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            var (elementType, shape) = ReadTypeAndShape(tensorInfo);
            return new OnnxNodeInfo(name, elementType, shape);
        }
        finally
        {
            api.ReleaseTypeInfo(typeInfo);
        }
    }

    /// <summary>Element type and dimensions of an <c>OrtTensorTypeAndShapeInfo</c>; symbolic dimensions read as -1.</summary>
    private unsafe (TensorElementType ElementType, long[] Shape) ReadTypeAndShape(IntPtr tensorInfo)
    {
        int elementType;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType));
        nuint rank;
        api.Check(api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        fixed (long* dimensions = shape)
            api.Check(api.GetDimensions(tensorInfo, dimensions, rank));
        return ((TensorElementType)elementType, shape);
    }
}
