namespace AudioFunctions.Wire;

/// <summary>The kind of a <see cref="WireValue"/>; the common ground of msgpack and JSON.</summary>
public enum WireKind
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
}
