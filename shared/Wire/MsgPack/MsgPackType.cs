namespace AudioFunctions.Wire.MsgPack;

/// <summary>The family of the next msgpack item, as told by its first byte.</summary>
public enum MsgPackType
{
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
