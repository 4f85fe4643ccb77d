using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Storage;

/// <summary>
/// Clients for the storage account named by the <c>AzureWebJobsStorage</c> setting: a connection
/// string (<c>UseDevelopmentStorage=true</c> for Azurite on its default ports), or, with managed
/// identity, <c>AzureWebJobsStorage__accountName</c> or <c>AzureWebJobsStorage__blobServiceUri</c>
/// (plus <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity).
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    private StorageAccount(BlobServiceClient blobs) => Blobs = blobs;

    public BlobServiceClient Blobs { get; }

    public static StorageAccount FromConfiguration(IConfiguration configuration, StorageOptions options)
    {
        var blobOptions = new BlobClientOptions();
        ApplyRetry(blobOptions, options);

        var section = configuration.GetSection(ConnectionSetting);
        if (!string.IsNullOrWhiteSpace(section.Value))
            return new StorageAccount(new BlobServiceClient(section.Value, blobOptions));

        var blobUri = section["blobServiceUri"] is { Length: > 0 } uri ? new Uri(uri)
            : section["accountName"] is { Length: > 0 } name ? new Uri($"https://{name}.blob.core.windows.net")
            : throw new InvalidOperationException(
                $"No storage account is configured. Set {ConnectionSetting} to a connection string " +
                $"(UseDevelopmentStorage=true for Azurite) or {ConnectionSetting}__accountName for managed identity.");
        return new StorageAccount(new BlobServiceClient(blobUri, Credential(section), blobOptions));
    }

    private static TokenCredential Credential(IConfigurationSection section) =>
        string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(section["clientId"] is { Length: > 0 } clientId
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential();

    private static void ApplyRetry(ClientOptions client, StorageOptions options)
    {
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds);
        client.Retry.MaxDelay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds * 16);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.NetworkTimeoutSeconds);
    }
}
