using System.Text.Json;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c>, the file Core Tools reads, as configuration.
/// Keys use the environment-variable form (<c>INSIGHT_STREAM__MAX_SESSIONS</c>): <c>__</c> separates sections.
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";

    public static IConfigurationBuilder AddLocalSettings(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
            return builder;
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                // Core Tools reads Values as strings; null means "not set".
                if (property.Value.ValueKind == JsonValueKind.Null)
                    continue;
                values[ToConfigurationKey(property.Name)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }
        return builder.AddInMemoryCollection(values);
    }

    /// <summary><c>INSIGHT_STREAM__MAX_SESSIONS</c> → <c>INSIGHT_STREAM:MAX_SESSIONS</c>, as for environment variables.</summary>
    public static string ToConfigurationKey(string settingName) =>
        settingName.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
}
