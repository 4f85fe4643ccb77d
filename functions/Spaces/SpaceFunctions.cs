using AudioFunctions.Embedding;
using AudioFunctions.Errors;
using AudioFunctions.Functions.Hosting;
using AudioFunctions.Functions.Http;
using AudioFunctions.Indexing;
using AudioFunctions.Spaces;
using AudioFunctions.Wire;

namespace AudioFunctions.Functions.Spaces;

/// <summary>
/// Embedding spaces for operators (function key): what is active, built and searchable; re-embedding every stored
/// track into another embedder's space and switching to it; deleting a space that is no longer wanted.
/// </summary>
public static class SpaceFunctions
{
    public static readonly FunctionDeclaration ListSpaces = FunctionDeclaration.Http("ListSpaces", "get", "v1/spaces");
    public static readonly FunctionDeclaration StartReembed = FunctionDeclaration.Http("StartReembed", "post", "v1/spaces/reembed");
    public static readonly FunctionDeclaration GetSpaceJob = FunctionDeclaration.Http("GetSpaceJob", "get", "v1/spaces/jobs/{jobId}");
    public static readonly FunctionDeclaration DeleteSpace = FunctionDeclaration.Http("DeleteSpace", "delete", "v1/spaces/{collection}/{space}");

    public static IEndpointRouteBuilder MapSpaceFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHttpFunction(ListSpaces, ListAsync).WithMetadata(JsonByDefault.Instance);
        endpoints.MapHttpFunction(StartReembed, StartReembedAsync).WithMetadata(JsonByDefault.Instance);
        endpoints.MapHttpFunction(GetSpaceJob, GetJobAsync).WithMetadata(JsonByDefault.Instance);
        endpoints.MapHttpFunction(DeleteSpace, DeleteAsync).WithMetadata(JsonByDefault.Instance);
        return endpoints;
    }

    private static async Task<WireResult> ListAsync(HttpContext context, ActiveSpaces spaces, EmbedderCatalog catalog, ITrackSearchBackend search)
    {
        var selection = await spaces.GetAsync(context.RequestAborted);
        return new WireResult(SpaceResponses.Overview(selection, catalog,
            await search.SpacesAsync(VectorCollection.Audio, context.RequestAborted),
            await search.SpacesAsync(VectorCollection.Text, context.RequestAborted)));
    }

    /// <summary><c>{"collection": "audio"|"text", "embedder": name}</c>; the embedder defaults to the configured one.</summary>
    private static async Task<WireResult> StartReembedAsync(HttpRequest request, SpaceJobs jobs, EmbedderCatalog catalog)
    {
        var body = WireFields.RequireMap(await RequestBodies.ReadWireAsync(request));
        var collection = ParseCollection(WireFields.RequiredString(body, "collection", 64));
        var embedder = WireFields.OptionalString(body, "embedder", 64)
            ?? (collection == VectorCollection.Audio ? catalog.Options.Audio : catalog.Options.Text);
        var job = await jobs.StartReembedAsync(collection, embedder, request.HttpContext.RequestAborted);
        return new WireResult(SpaceResponses.Job(job), StatusCodes.Status202Accepted);
    }

    private static async Task<WireResult> GetJobAsync(string jobId, HttpContext context, SpaceJobs jobs) =>
        new(SpaceResponses.Job(await jobs.GetAsync(jobId, context.RequestAborted)
            ?? throw ServiceException.NotFound(ErrorCodes.JobNotFound, $"There is no space job '{jobId}'.")));

    private static async Task<WireResult> DeleteAsync(string collection, string space, HttpContext context, SpaceJobs jobs)
    {
        var parsedCollection = ParseCollection(collection);
        if (!EmbeddingSpace.TryParse(space, out var parsedSpace))
            throw ServiceException.BadRequest(ErrorCodes.InvalidSpace, $"'{space}' is not an embedding space id (embedder-version[-mMODEL]-dimensions, e.g. dsp-1-512).");
        var job = await jobs.StartDeleteAsync(parsedCollection, parsedSpace, context.RequestAborted);
        return new WireResult(SpaceResponses.Job(job), StatusCodes.Status202Accepted);
    }

    private static VectorCollection ParseCollection(string name) =>
        VectorCollectionNames.TryParse(name, out var collection)
            ? collection
            : throw ServiceException.BadRequest(ErrorCodes.UnknownCollection, $"collection '{name}' does not exist; use {VectorCollectionNames.All}.");
}
