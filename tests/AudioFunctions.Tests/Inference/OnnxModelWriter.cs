using System.Runtime.InteropServices;
using System.Text;
using AudioFunctions.Inference;

namespace AudioFunctions.Tests.Inference;

/// <summary>
/// Writes small ONNX models by hand, in protobuf wire format with the field numbers of onnx.proto: graph inputs and
/// outputs with fixed and symbolic dimensions, float and int64 initializers (little-endian <c>raw_data</c>) and nodes
/// with int, ints and float attributes. Models import the default domain at <see cref="Opset"/>, so operators take
/// that opset's form: ReduceMean's and Softmax's axes are attributes, ReduceSum's and Unsqueeze's axes are inputs.
/// </summary>
public sealed class OnnxModelWriter(string graphName)
{
    public const long Opset = 13;

    // ir_version 7 is the one that goes with opset 13 (ONNX 1.8).
    private const long IrVersion = 7;

    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _initializers = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];

    public OnnxModelWriter Input(string name, TensorElementType elementType, params OnnxDimension[] shape)
    {
        _inputs.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    public OnnxModelWriter Output(string name, TensorElementType elementType, params OnnxDimension[] shape)
    {
        _outputs.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>A float32 constant of <paramref name="shape"/> (row-major <paramref name="values"/>).</summary>
    public OnnxModelWriter Initializer(string name, float[] values, params long[] shape) =>
        AddInitializer(name, TensorElementType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length, shape);

    /// <summary>An int64 constant of <paramref name="shape"/> (row-major <paramref name="values"/>).</summary>
    public OnnxModelWriter Initializer(string name, long[] values, params long[] shape) =>
        AddInitializer(name, TensorElementType.Int64, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), values.Length, shape);

    public OnnxModelWriter Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        var fields = new List<byte[]>();
        foreach (var input in inputs)
            fields.Add(Text(1, input));                                   // NodeProto.input
        foreach (var output in outputs)
            fields.Add(Text(2, output));                                  // NodeProto.output
        fields.Add(Text(3, $"{opType.ToLowerInvariant()}_{_nodes.Count}"));   // NodeProto.name
        fields.Add(Text(4, opType));                                      // NodeProto.op_type
        foreach (var attribute in attributes)
            fields.Add(Field(5, Attribute(attribute)));                   // NodeProto.attribute
        _nodes.Add(Message([.. fields]));
        return this;
    }

    /// <summary>The serialized ModelProto.</summary>
    public byte[] Build()
    {
        var fields = new List<byte[]>();
        fields.AddRange(_nodes.Select(n => Field(1, n)));            // GraphProto.node
        fields.Add(Text(2, graphName));                              // GraphProto.name
        fields.AddRange(_initializers.Select(t => Field(5, t)));     // GraphProto.initializer
        fields.AddRange(_inputs.Select(v => Field(11, v)));          // GraphProto.input
        fields.AddRange(_outputs.Select(v => Field(12, v)));         // GraphProto.output
        var graph = Message([.. fields]);
        var opset = Message(Text(1, ""), Varint(2, Opset));         // OperatorSetIdProto: the default domain
        return Message(Varint(1, IrVersion), Text(2, "AudioFunctions.Tests"), Field(7, graph), Field(8, opset));
    }

    /// <summary>Writes <see cref="Build"/> to <paramref name="path"/>, creating its folder.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, Build());
    }

    private OnnxModelWriter AddInitializer(string name, TensorElementType elementType, byte[] raw, int count, long[] shape)
    {
        if (shape.Aggregate(1L, (product, d) => product * d) != count)
            throw new ArgumentException($"Initializer '{name}' of shape [{string.Join(", ", shape)}] cannot hold {count} values.");
        var fields = new List<byte[]>();
        fields.AddRange(shape.Select(d => Varint(1, d)));   // TensorProto.dims
        fields.Add(Varint(2, (long)elementType));           // TensorProto.data_type
        fields.Add(Text(8, name));                          // TensorProto.name
        fields.Add(Field(9, raw));                          // TensorProto.raw_data (little-endian, as this machine)
        _initializers.Add(Message([.. fields]));
        return this;
    }

    private static byte[] Attribute(OnnxAttribute attribute)
    {
        var fields = new List<byte[]> { Text(1, attribute.Name) };   // AttributeProto.name
        switch (attribute.Type)
        {
            case OnnxAttribute.FloatType:
                fields.Add([.. Tag(2, 5), .. BitConverter.GetBytes(attribute.Real)]);   // AttributeProto.f (fixed32)
                break;
            case OnnxAttribute.IntType:
                fields.Add(Varint(3, attribute.Integer));                              // AttributeProto.i
                break;
            default:
                fields.AddRange(attribute.Integers.Select(i => Varint(8, i)));         // AttributeProto.ints, unpacked
                break;
        }
        fields.Add(Varint(20, attribute.Type));                                        // AttributeProto.type
        return Message([.. fields]);
    }

    private static byte[] ValueInfo(string name, TensorElementType elementType, OnnxDimension[] shape)
    {
        var dims = shape.Select(d => Field(1, d.Parameter is { } parameter
            ? Text(2, parameter)                                 // Dimension.dim_param
            : Varint(1, d.Value ?? 0)));                         // Dimension.dim_value
        var tensor = Message(Varint(1, (long)elementType), Field(2, Message([.. dims])));   // TypeProto.Tensor: elem_type, shape
        return Message(Text(1, name), Field(2, Field(1, tensor)));                         // ValueInfoProto: name, type.tensor_type
    }

    private static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    private static byte[] Text(int field, string value) => Field(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field (wire type 2).</summary>
    private static byte[] Field(int field, byte[] payload) => [.. Tag(field, 2), .. VarintBytes((ulong)payload.Length), .. payload];

    /// <summary>A varint field (wire type 0); negative values take ten bytes, as protobuf's int64 does.</summary>
    private static byte[] Varint(int field, long value) => [.. Tag(field, 0), .. VarintBytes((ulong)value)];

    private static byte[] Tag(int field, int wireType) => VarintBytes((ulong)(field << 3 | wireType));

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
