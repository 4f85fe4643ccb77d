using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace AudioFunctions.Storage;

/// <summary>
/// Clients for the storage account named by the <c>AzureWebJobsStorage</c> setting: a connection
/// string (<c>UseDevelopmentStorage=true</c> for Azurite on its default ports), or, with managed
/// identity, <c>AzureWebJobsStorage__accountName</c> (or <c>__blobServiceUri</c> and
/// <c>__queueServiceUri</c>), plus <c>__credential=managedidentity</c> and
/// <c>__clientId</c> for a user-assigned identity.
/// </summary>
public sealed class StorageAccount
{
    public const string ConnectionSetting = "AzureWebJobsStorage";

    private StorageAccount(BlobServiceClient blobs, QueueServiceClient queues, TokenCredential? credential = null)
    {
        Blobs = blobs;
        Queues = queues;
        Credential = credential;
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>The identity the clients use when no connection string is configured (null with a shared key).</summary>
    public TokenCredential? Credential { get; }

    public static StorageAccount FromConfiguration(IConfiguration configuration, StorageOptions options)
    {
        var blobOptions = new BlobClientOptions();
        ApplyRetry(blobOptions, options);
        // Base64 is what the Functions queue trigger expects by default (extensions.queues.messageEncoding).
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        ApplyRetry(queueOptions, options);

        var section = configuration.GetSection(ConnectionSetting);
        if (!string.IsNullOrWhiteSpace(section.Value))
            return new StorageAccount(new BlobServiceClient(section.Value, blobOptions), new QueueServiceClient(section.Value, queueOptions));

        var account = section["accountName"];
        var blobUri = section["blobServiceUri"] is { Length: > 0 } blob ? new Uri(blob)
            : account is { Length: > 0 } ? new Uri($"https://{account}.blob.core.windows.net")
            : throw new InvalidOperationException(
                $"No storage account is configured. Set {ConnectionSetting} to a connection string " +
                $"(UseDevelopmentStorage=true for Azurite) or {ConnectionSetting}__accountName for managed identity.");
        var queueUri = section["queueServiceUri"] is { Length: > 0 } queue ? new Uri(queue)
            : account is { Length: > 0 } ? new Uri($"https://{account}.queue.core.windows.net")
            : throw new InvalidOperationException($"Set {ConnectionSetting}__queueServiceUri beside {ConnectionSetting}__blobServiceUri.");
        var credential = CredentialFor(section);
        return new StorageAccount(new BlobServiceClient(blobUri, credential, blobOptions), new QueueServiceClient(queueUri, credential, queueOptions), credential);
    }

    private static TokenCredential CredentialFor(IConfigurationSection section) =>
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
