using System.Text;

namespace AudioFunctions.Tests.Inference;

/// <summary>
/// Writes the smallest useful ONNX model by hand (protobuf wire format, field numbers of onnx.proto):
/// one Identity node from input "x" to output "y", both tensors of one element type and shape
/// ["n", width] with a symbolic first dimension. No model with int64 outputs ships in the fetched
/// packages, so this is how int64 tensors are exercised end to end.
/// </summary>
public static class IdentityModel
{
    /// <summary>Writes the model to a new temporary file and returns its path.</summary>
    public static string Write(int elementType, long width)
    {
        var path = Path.Combine(Path.GetTempPath(), $"identity-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Build(elementType, width));
        return path;
    }

    public static byte[] Build(int elementType, long width)
    {
        var node = Message(Text(1, "x"), Text(2, "y"), Text(3, "identity"), Text(4, "Identity"));   // NodeProto
        var graph = Message(
            Field(1, node),                                  // GraphProto.node
            Text(2, "identity"),                             // GraphProto.name
            Field(11, ValueInfo("x", elementType, width)),   // GraphProto.input
            Field(12, ValueInfo("y", elementType, width)));  // GraphProto.output
        var opset = Message(Text(1, ""), Varint(2, 13));    // OperatorSetIdProto: default domain, opset 13
        return Message(Varint(1, 7), Field(7, graph), Field(8, opset));   // ModelProto: ir_version 7
    }

    private static byte[] ValueInfo(string name, int elementType, long width)
    {
        var shape = Message(
            Field(1, Text(2, "n")),          // Dimension.dim_param
            Field(1, Varint(1, width)));     // Dimension.dim_value
        var tensor = Message(Varint(1, elementType), Field(2, shape));   // TypeProto.Tensor
        var type = Field(1, tensor);                                     // TypeProto.tensor_type
        return Message(Text(1, name), Field(2, type));                   // ValueInfoProto
    }

    private static byte[] Message(params byte[][] fields) => fields.SelectMany(f => f).ToArray();

    private static byte[] Text(int field, string value) => Field(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A length-delimited field (wire type 2).</summary>
    private static byte[] Field(int field, byte[] payload) =>
        [.. VarintBytes((ulong)(field << 3 | 2)), .. VarintBytes((ulong)payload.Length), .. payload];

    /// <summary>A varint field (wire type 0).</summary>
    private static byte[] Varint(int field, long value) => [.. VarintBytes((ulong)(field << 3)), .. VarintBytes((ulong)value)];

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
        return bytes.ToArray();
    }
}
