using System.Globalization;
using System.Text;

namespace AudioFunctions.Wire;

/// <summary>Renders a <see cref="WireValue"/> as compact JSON-like text for logs; not meant to be parsed back.</summary>
internal static class WireValueFormatter
{
    public static string Format(WireValue value)
    {
        var builder = new StringBuilder();
        Append(builder, value, depth: 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, WireValue value, int depth)
    {
        switch (value.Kind)
        {
            case WireKind.Nil:
                builder.Append("null");
                break;
            case WireKind.Boolean:
                builder.Append(value.AsBoolean() ? "true" : "false");
                break;
            case WireKind.Integer:
                builder.Append(value.IsAboveInt64
                    ? value.RawBits.ToString(CultureInfo.InvariantCulture)
                    : ((long)value.RawBits).ToString(CultureInfo.InvariantCulture));
                break;
            case WireKind.Float:
                // Shortest round-trip text; a float32 is formatted as a float so 0.1f shows as 0.1, not 0.100000001.
                builder.Append(value.IsFloat32
                    ? ((float)value.FloatValue).ToString(CultureInfo.InvariantCulture)
                    : value.FloatValue.ToString(CultureInfo.InvariantCulture));
                break;
            case WireKind.String:
                AppendQuoted(builder, value.AsString());
                break;
            case WireKind.Binary:
                // Bodies carry audio; dumping it would swamp a log line.
                builder.Append(CultureInfo.InvariantCulture, $"<binary {value.AsBinary().Length} bytes>");
                break;
            case WireKind.Array:
                AppendArray(builder, value, depth);
                break;
            default:
                AppendMap(builder, value, depth);
                break;
        }
    }

    private static void AppendArray(StringBuilder builder, WireValue value, int depth)
    {
        // Parsed trees never exceed MaxDepth, but hand-built ones can; stop rather than recurse without bound.
        if (depth >= WireRules.MaxDepth)
        {
            builder.Append("[…]");
            return;
        }

        builder.Append('[');
        ReadOnlySpan<WireValue> items = value.Items;
        for (int i = 0; i < items.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            Append(builder, items[i], depth + 1);
        }

        builder.Append(']');
    }

    private static void AppendMap(StringBuilder builder, WireValue value, int depth)
    {
        if (depth >= WireRules.MaxDepth)
        {
            builder.Append("{…}");
            return;
        }

        builder.Append('{');
        ReadOnlySpan<KeyValuePair<string, WireValue>> entries = value.Entries;
        for (int i = 0; i < entries.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            AppendQuoted(builder, entries[i].Key);
            builder.Append(':');
            Append(builder, entries[i].Value, depth + 1);
        }

        builder.Append('}');
    }

    private static void AppendQuoted(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
