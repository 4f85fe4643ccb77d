using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Storage;

/// <summary>
/// Storage behaviour (section <c>STORAGE</c>, e.g. <c>STORAGE__CONTAINER_PREFIX</c>). The account
/// itself comes from <c>AzureWebJobsStorage</c>, as for every Functions app.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "STORAGE";

    /// <summary>Prepended to every container name, so several deployments (or tests) can share one account.</summary>
    [ConfigurationKeyName("CONTAINER_PREFIX")]
    [RegularExpression("^([a-z0-9]+-?)*$", ErrorMessage = "STORAGE__CONTAINER_PREFIX may hold lowercase letters, digits and single hyphens only.")]
    [StringLength(40)]
    public string ContainerPrefix { get; set; } = "";

    /// <summary>Retries of a failed storage call before the request answers 503.</summary>
    [ConfigurationKeyName("MAX_RETRIES")]
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones back off exponentially.</summary>
    [ConfigurationKeyName("RETRY_DELAY_MS")]
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 100;

    /// <summary>Time one storage call may take before it counts as failed.</summary>
    [ConfigurationKeyName("NETWORK_TIMEOUT_S")]
    [Range(1, 600)]
    public int NetworkTimeoutSeconds { get; set; } = 20;
}
