using System.Text;
using System.Text.Json.Nodes;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// The part of the OData <c>$filter</c> language the backend is allowed to emit, evaluated on stored documents:
/// clauses joined by <c>and</c>, each <c>not search.in(field, 'list', 'delimiters')</c>, <c>field eq|ne 'value'</c>,
/// <c>collection/any(x: x eq 'value')</c> or a parenthesised group. Anything else throws <see cref="FormatException"/>,
/// which the fake answers with 400, as the service does for filters it cannot parse.
/// </summary>
internal sealed class FakeSearchFilter
{
    private static readonly HashSet<string> ScalarFields = ["trackId", "albumKey", "space"];
    private static readonly HashSet<string> CollectionFields = ["artistsKey", "genresKey"];

    private readonly List<string> _tokens;
    private int _at;

    private FakeSearchFilter(string text)
    {
        _tokens = Tokenize(text);
    }

    public static Func<JsonObject, bool> Parse(string text)
    {
        var parser = new FakeSearchFilter(text);
        var predicate = parser.Conjunction();
        if (parser._at != parser._tokens.Count)
            throw new FormatException($"Unexpected '{parser._tokens[parser._at]}' in filter.");
        return predicate;
    }

    private Func<JsonObject, bool> Conjunction()
    {
        var left = Unary();
        while (Peek() == "and")
        {
            _at++;
            var first = left;
            var right = Unary();
            left = d => first(d) && right(d);
        }
        return left;
    }

    private Func<JsonObject, bool> Unary()
    {
        if (Peek() != "not")
            return Primary();
        _at++;
        if (Peek() != "search.in")
            throw new FormatException("Only 'not search.in(...)' is negated.");
        var inner = Primary();
        return d => !inner(d);
    }

    private Func<JsonObject, bool> Primary()
    {
        var token = Next();
        if (token == "(")
        {
            var inner = Conjunction();
            Expect(")");
            return inner;
        }
        if (token == "search.in")
        {
            Expect("(");
            var field = ScalarField(Next());
            Expect(",");
            var list = Literal(Next());
            Expect(",");
            var delimiters = Literal(Next()).ToCharArray();
            Expect(")");
            var values = list.Split(delimiters).ToHashSet(StringComparer.Ordinal);
            return d => d[field]?.GetValue<string>() is { } v && values.Contains(v);
        }
        if (token.EndsWith("/any", StringComparison.Ordinal))
        {
            var field = token[..^"/any".Length];
            if (!CollectionFields.Contains(field))
                throw new FormatException($"'{field}' is not a filterable collection.");
            Expect("(");
            var variable = Next();
            Expect(":");
            if (Next() != variable)
                throw new FormatException("The lambda must compare its own variable.");
            Expect("eq");
            var wanted = Literal(Next());
            Expect(")");
            return d => d[field] is JsonArray array && array.Any(n => n?.GetValue<string>() == wanted);
        }
        var scalar = ScalarField(token);
        var op = Next();
        var value = Literal(Next());
        return op switch
        {
            "eq" => d => d[scalar]?.GetValue<string>() == value,
            "ne" => d => d[scalar]?.GetValue<string>() != value,
            _ => throw new FormatException($"Operator '{op}' is not supported."),
        };
    }

    private static string ScalarField(string token) =>
        ScalarFields.Contains(token) ? token : throw new FormatException($"'{token}' is not a filterable field.");

    private static string Literal(string token) =>
        token.Length >= 2 && token[0] == '\'' && token[^1] == '\''
            ? token[1..^1].Replace("''", "'", StringComparison.Ordinal)
            : throw new FormatException($"Expected a string literal, found '{token}'.");

    private string? Peek() => _at < _tokens.Count ? _tokens[_at] : null;

    private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw new FormatException("The filter ends early.");

    private void Expect(string token)
    {
        if (Next() != token)
            throw new FormatException($"Expected '{token}'.");
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == ' ')
            {
                i++;
            }
            else if (c is '(' or ')' or ',' or ':')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c == '\'')
            {
                var literal = new StringBuilder("'");
                i++;
                while (true)
                {
                    if (i >= text.Length)
                        throw new FormatException("Unterminated string literal.");
                    if (text[i] == '\'')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '\'')
                        {
                            literal.Append("''");
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    literal.Append(text[i++]);
                }
                tokens.Add(literal.Append('\'').ToString());
            }
            else if (char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '/'))
                    i++;
                tokens.Add(text[start..i]);
            }
            else
            {
                throw new FormatException($"Unexpected character '{c}' in filter.");
            }
        }
        return tokens;
    }
}
