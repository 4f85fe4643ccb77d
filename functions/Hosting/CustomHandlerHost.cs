namespace AudioFunctions.Functions.Hosting;

/// <summary>Where the app listens, and whether the Azure Functions host started it.</summary>
public static class CustomHandlerHost
{
    /// <summary>Set by the Functions host to the port the custom handler must listen on.</summary>
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Where the app listens when it runs on its own: the port Core Tools would use.</summary>
    public const string DefaultLocalUrl = "http://127.0.0.1:7071";

    public static bool IsHosted(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[PortSetting]);

    public static string ListenUrls(IConfiguration configuration) =>
        IsHosted(configuration) ? $"http://127.0.0.1:{configuration[PortSetting]}"
        : configuration["urls"] is { Length: > 0 } urls ? urls
        : configuration["ASPNETCORE_URLS"] is { Length: > 0 } aspnetUrls ? aspnetUrls
        : DefaultLocalUrl;
}
