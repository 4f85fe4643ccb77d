using System.Buffers;
using AudioFunctions.Wire.MsgPack;

namespace AudioFunctions.Tests.Wire;

/// <summary>Hex helpers so expected byte layouts read like the msgpack spec tables ("cd 01 00").</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Runs <paramref name="write"/> against a fresh writer and returns what it wrote, as lowercase hex.</summary>
    public static string Written(Action<MsgPackWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        write(new MsgPackWriter(output));
        return Of(output.WrittenSpan);
    }

    /// <summary>Normalises an expected layout ("cd 01 00") to the form <see cref="Of"/> returns.</summary>
    public static string Norm(string hex) => hex.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
}
