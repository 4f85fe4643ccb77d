using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Functions.Hosting;

/// <summary>
/// Local enforcement of function keys (section <c>AUTH</c>). In Azure the Functions host checks
/// keys before a request reaches the app, so this stays unset there. Locally, as with Core Tools,
/// keys are off unless <c>AUTH__FUNCTION_KEY</c> is set.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "AUTH";

    [ConfigurationKeyName("FUNCTION_KEY")]
    public string? FunctionKey { get; set; }
}
