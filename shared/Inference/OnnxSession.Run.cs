using System.Buffers;
using System.Runtime.InteropServices;

namespace AudioFunctions.Inference;

public sealed partial class OnnxSession
{
    /// <summary>Runs the model and returns every output, in the model's order.</summary>
    /// <inheritdoc cref="Run(IReadOnlyList{OnnxTensor}, IReadOnlyList{string})"/>
    public IReadOnlyList<OnnxOutput> Run(IReadOnlyList<OnnxTensor> inputs)
    {
        var names = new string[Outputs.Count];
        for (var i = 0; i < names.Length; i++)
            names[i] = Outputs[i].Name;
        return Run(inputs, names);
    }

    /// <summary>
    /// Runs the model on <paramref name="inputs"/> (borrowed for the call, see <see cref="OnnxTensor"/>)
    /// and copies the requested outputs into new managed arrays, in the order asked.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused the run: an unknown input or output name, a
    /// missing input, a wrong element type or shape (<see cref="OrtErrorCode.InvalidArgument"/>), or a failure inside the model.</exception>
    /// <exception cref="NotSupportedException">An output is neither float32 nor int64.</exception>
    public unsafe IReadOnlyList<OnnxOutput> Run(IReadOnlyList<OnnxTensor> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        var values = RunCore(inputs, outputNames);
        try
        {
            var results = new OnnxOutput[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var (elementType, shape, data) = Describe(values[i]);
                var count = checked((int)OnnxTensor.ElementCount(shape));
                results[i] = elementType switch
                {
                    TensorElementType.Float => new OnnxOutput(outputNames[i], shape, new ReadOnlySpan<float>((void*)data, count).ToArray()),
                    TensorElementType.Int64 => new OnnxOutput(outputNames[i], shape, new ReadOnlySpan<long>((void*)data, count).ToArray()),
                    _ => throw Unsupported(outputNames[i], elementType),
                };
            }
            return results;
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }

    /// <summary>
    /// Runs the model and copies the float32 output <paramref name="outputName"/> into the caller's
    /// <paramref name="destination"/> (its first elements; the rest is left as it was), returning
    /// the output's shape. Allocates no managed array for the elements.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the output.</exception>
    /// <inheritdoc cref="Run(IReadOnlyList{OnnxTensor}, IReadOnlyList{string})"/>
    public long[] Run(IReadOnlyList<OnnxTensor> inputs, string outputName, Span<float> destination) =>
        RunInto(inputs, outputName, TensorElementType.Float, destination);

    /// <summary>As the float32 overload, for an int64 output.</summary>
    /// <inheritdoc cref="Run(IReadOnlyList{OnnxTensor}, string, Span{float})"/>
    public long[] Run(IReadOnlyList<OnnxTensor> inputs, string outputName, Span<long> destination) =>
        RunInto(inputs, outputName, TensorElementType.Int64, destination);

    private unsafe long[] RunInto<T>(IReadOnlyList<OnnxTensor> inputs, string outputName, TensorElementType wanted, Span<T>
        destination) where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        var values = RunCore(inputs, [outputName]);
        try
        {
            var (elementType, shape, data) = Describe(values[0]);
            if (elementType != wanted)
                throw new InvalidOperationException($"Output '{outputName}' holds {elementType} elements, not {wanted}.");
            var count = checked((int)OnnxTensor.ElementCount(shape));
            if (destination.Length < count)
                throw new ArgumentException(
                    $"Output '{outputName}' of shape [{string.Join(", ", shape)}] has {count} elements; the destination holds {destination.Length}.",
                    nameof(destination));
            new ReadOnlySpan<T>((void*)data, count).CopyTo(destination);
            return shape;
        }
        finally
        {
            values[0].Dispose();
        }
    }

    /// <summary>
    /// One <c>OrtApi::Run</c>: input tensors wrap the pinned managed buffers (no copy), outputs are
    /// allocated by ONNX Runtime and returned for the caller to read and dispose.
    /// </summary>
    private unsafe OrtValueHandle[] RunCore(IReadOnlyList<OnnxTensor> inputs, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var inputCount = inputs.Count;
        var outputCount = outputNames.Count;
        var pins = new MemoryHandle[inputCount];
        var inputValues = new OrtValueHandle[inputCount];
        var names = new IntPtr[inputCount + outputCount];   // UTF-8, NUL-terminated: inputs, then outputs
        var inputPointers = new IntPtr[inputCount];
        var outputPointers = new IntPtr[outputCount];
        var outputs = new OrtValueHandle[outputCount];
        var sessionReferenced = false;
        var memoryReferenced = false;
        try
        {
            // Keeps the session and its memory description from being released by a concurrent
            // Dispose while this run uses them (a disposed session throws ObjectDisposedException here).
            session.DangerousAddRef(ref sessionReferenced);
            cpuMemory.DangerousAddRef(ref memoryReferenced);
            for (var i = 0; i < inputCount; i++)
            {
                var tensor = inputs[i] ?? throw new ArgumentException("An input tensor is null.", nameof(inputs));
                names[i] = Marshal.StringToCoTaskMemUTF8(tensor.Name);
                inputValues[i] = CreateInputValue(tensor, out pins[i]);
                inputPointers[i] = inputValues[i].DangerousGetHandle();
            }
            for (var i = 0; i < outputCount; i++)
            {
                ArgumentException.ThrowIfNullOrEmpty(outputNames[i], nameof(outputNames));
                names[inputCount + i] = Marshal.StringToCoTaskMemUTF8(outputNames[i]);
            }

            IntPtr status;
            fixed (IntPtr* namePointers = names)
            fixed (IntPtr* inputValuePointers = inputPointers)
            fixed (IntPtr* outputValuePointers = outputPointers)
            {
                status = api.Run(session.DangerousGetHandle(), IntPtr.Zero,
                    (byte**)namePointers, inputValuePointers, (nuint)inputCount,
                    (byte**)(namePointers + inputCount), (nuint)outputCount, outputValuePointers);
            }
            for (var i = 0; i < outputCount; i++)
            {
                outputs[i] = new OrtValueHandle(api);
                if (outputPointers[i] != IntPtr.Zero)
                    outputs[i].Adopt(outputPointers[i]);
            }
            api.Check(status);
            return outputs;
        }
        catch
        {
            foreach (var output in outputs)
                output?.Dispose();
            throw;
        }
        finally
        {
            foreach (var value in inputValues)
                value?.Dispose();
            if (memoryReferenced)
                cpuMemory.DangerousRelease();
            if (sessionReferenced)
                session.DangerousRelease();
            foreach (var pin in pins)
                pin.Dispose();
            foreach (var name in names)
                Marshal.FreeCoTaskMem(name);
        }
    }

    private unsafe OrtValueHandle CreateInputValue(OnnxTensor tensor, out MemoryHandle pin)
    {
        nuint byteLength;
        if (tensor.ElementType == TensorElementType.Float)
        {
            pin = tensor.Floats.Pin();
            byteLength = (nuint)tensor.Floats.Length * sizeof(float);
        }
        else
        {
            pin = tensor.Int64s.Pin();
            byteLength = (nuint)tensor.Int64s.Length * sizeof(long);
        }

        var value = new OrtValueHandle(api);
        IntPtr pointer;
        fixed (long* shape = tensor.Dimensions)
        {
            api.Check(api.CreateTensorWithDataAsOrtValue(cpuMemory.DangerousGetHandle(), pin.Pointer, byteLength,
                shape, (nuint)tensor.Dimensions.Length, (int)tensor.ElementType, &pointer));
        }
        value.Adopt(pointer);
        return value;
    }

    /// <summary>Element type, actual shape and data of an output tensor; the data lives as long as the value.</summary>
    private unsafe (TensorElementType ElementType, long[] Shape, IntPtr Data) Describe(OrtValueHandle value)
    {
        var handle = value.DangerousGetHandle();
        IntPtr tensorInfo;
        api.Check(api.GetTensorTypeAndShape(handle, &tensorInfo));
        TensorElementType elementType;
        long[] shape;
        try
        {
            (elementType, shape) = ReadTypeAndShape(tensorInfo);
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(tensorInfo);
        }
        void* data;
        api.Check(api.GetTensorMutableData(handle, &data));
        return (elementType, shape, (IntPtr)data);
    }

    private static NotSupportedException Unsupported(string name, TensorElementType elementType) =>
        new($"Output '{name}' holds {elementType} elements; only Float and Int64 outputs are read.");
}
