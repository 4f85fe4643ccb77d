using AudioFunctions.Functions.Hosting;
using AudioFunctions.Storage;
using Microsoft.Extensions.Options;

// `AudioFunctions.Functions write-layout <dir>` writes host.json and every function.json for a
// deployment package; with no command the app serves (on its own, or under the Functions host).
if (args is ["write-layout", var directory])
{
    var layoutApp = AudioFunctionsHost.Create([]);
    var prefix = layoutApp.Services.GetRequiredService<IOptions<StorageOptions>>().Value.ContainerPrefix;
    FunctionLayout.Write(layoutApp.Services.GetRequiredService<FunctionCatalog>(), directory, prefix);
    return 0;
}

await AudioFunctionsHost.Create(args).RunAsync();
return 0;
