namespace AudioFunctions.Tests.Inference;

/// <summary>A node attribute as onnx.proto's AttributeProto holds it: one int, a list of ints, or one float.</summary>
public sealed class OnnxAttribute
{
    // AttributeProto.AttributeType values.
    internal const int FloatType = 1;
    internal const int IntType = 2;
    internal const int IntsType = 7;

    private OnnxAttribute(string name, int type, long integer, long[] integers, float real)
    {
        Name = name;
        Type = type;
        Integer = integer;
        Integers = integers;
        Real = real;
    }

    public string Name { get; }

    internal int Type { get; }

    internal long Integer { get; }

    internal long[] Integers { get; }

    internal float Real { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, IntType, value, [], 0);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, IntsType, 0, values, 0);

    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, 0, [], value);
}
