using AudioFunctions.Errors;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Http;

/// <summary>
/// Typed reads of request-body fields. Each failure is a 400 whose detail names the field and what
/// it must be. A nil value counts as absent.
/// </summary>
public static class WireFields
{
    /// <summary>The body as a map; an empty or non-map body is a 400.</summary>
    public static WireValue RequireMap(WireValue? body)
    {
        if (body is null)
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest, "The request needs a body.");
        if (body.Kind != WireKind.Map)
            throw ServiceException.BadRequest(ErrorCodes.InvalidRequest, $"The body must be a map, not {Describe(body)}.");
        return body;
    }

    public static WireValue? Optional(WireValue map, string field) =>
        map.TryGetProperty(field, out var value) && value.Kind != WireKind.Nil ? value : null;

    public static WireValue Required(WireValue map, string field, string? path = null) =>
        Optional(map, field) ?? throw ServiceException.BadRequest(ErrorCodes.MissingField, $"{Name(field, path)} is required.");

    public static string RequiredString(WireValue map, string field, int maxLength) =>
        AsString(Required(map, field), field, null, maxLength, allowEmpty: false);

    public static string? OptionalString(WireValue map, string field, int maxLength, string? path = null) =>
        Optional(map, field) is { } value ? AsString(value, field, path, maxLength, allowEmpty: true) : null;

    /// <summary>
    /// An integral value. Integers beyond the 64-bit range come back as <see cref="long.MaxValue"/>
    /// or <see cref="long.MinValue"/>, so the caller's range check names the real problem.
    /// </summary>
    public static long RequiredInteger(WireValue map, string field)
    {
        var value = Required(map, field);
        if (value.TryGetInt64(out var integer))
            return integer;
        if (value.Kind == WireKind.Integer)
            return long.MaxValue; // only unsigned values above long.MaxValue fail TryGetInt64
        if (value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number)
            return number > 0 ? long.MaxValue : long.MinValue;
        throw Invalid(field, null, $"must be an integer, not {Describe(value)}");
    }

    public static bool? OptionalBoolean(WireValue map, string field) => Optional(map, field) switch
    {
        null => null,
        { Kind: WireKind.Boolean } value => value.AsBoolean(),
        var value => throw Invalid(field, null, $"must be true or false, not {Describe(value)}"),
    };

    public static double? OptionalNumber(WireValue map, string field)
    {
        if (Optional(map, field) is not { } value)
            return null;
        return value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw Invalid(field, null, $"must be a finite number, not {Describe(value)}");
    }

    public static WireValue? OptionalMap(WireValue map, string field) => Optional(map, field) switch
    {
        null => null,
        { Kind: WireKind.Map } value => value,
        var value => throw Invalid(field, null, $"must be a map, not {Describe(value)}"),
    };

    public static IReadOnlyList<string> OptionalStringList(WireValue map, string field, int maxItems, int maxLength, string? path = null)
    {
        if (Optional(map, field) is not { } value)
            return [];
        if (value.Kind != WireKind.Array)
            throw Invalid(field, path, $"must be a list of strings, not {Describe(value)}");
        var items = value.AsArray();
        if (items.Count > maxItems)
            throw Invalid(field, path, $"may hold at most {maxItems} items");
        var list = new string[items.Count];
        for (var i = 0; i < list.Length; i++)
            list[i] = AsString(items[i], $"{field}[{i}]", path, maxLength, allowEmpty: false);
        return list;
    }

    private static string AsString(WireValue value, string field, string? path, int maxLength, bool allowEmpty)
    {
        if (value.Kind != WireKind.String)
            throw Invalid(field, path, $"must be a string, not {Describe(value)}");
        var text = value.AsString();
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
            throw Invalid(field, path, "must not be empty");
        if (text.Length > maxLength)
            throw Invalid(field, path, $"may be at most {maxLength} characters long");
        return text;
    }

    private static ServiceException Invalid(string field, string? path, string problem) =>
        ServiceException.BadRequest(ErrorCodes.InvalidField, $"{Name(field, path)} {problem}.");

    private static string Name(string field, string? path) => path is null ? field : $"{path}.{field}";

    private static string Describe(WireValue value) => value.Kind switch
    {
        WireKind.Nil => "nil",
        WireKind.Boolean => "a boolean",
        WireKind.Integer => "an integer",
        WireKind.Float => value.TryGetDouble(out var number) && double.IsFinite(number) ? $"{number.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "a non-finite number",
        WireKind.String => "a string",
        WireKind.Binary => "binary data",
        WireKind.Array => "a list",
        WireKind.Map => "a map",
        _ => value.Kind.ToString(),
    };
}
