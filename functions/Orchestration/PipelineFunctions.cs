using AudioFunctions.Functions.Hosting;
using AudioFunctions.Orchestration;
using Microsoft.Extensions.Options;

namespace AudioFunctions.Functions.Orchestration;

/// <summary>
/// The pipeline's queue-triggered functions. In Azure the Functions host delivers their messages;
/// locally <see cref="LocalQueueListener"/> reads the same queues. Both run the same step code
/// through <see cref="PipelineDispatcher"/>.
/// </summary>
public static class PipelineFunctions
{
    public static readonly FunctionDeclaration DecodeStep = FunctionDeclaration.Queue("DecodeStep", WorkQueues.QueueName(PipelineStep.Decode));
    public static readonly FunctionDeclaration WindowStep = FunctionDeclaration.Queue("WindowStep", WorkQueues.QueueName(PipelineStep.Window));
    public static readonly FunctionDeclaration EmbedStep = FunctionDeclaration.Queue("EmbedStep", WorkQueues.QueueName(PipelineStep.Embed));
    public static readonly FunctionDeclaration FinalizeStep = FunctionDeclaration.Queue("FinalizeStep", WorkQueues.QueueName(PipelineStep.Finalize));
    public static readonly FunctionDeclaration SpaceJobStep = FunctionDeclaration.Queue("SpaceJobStep", WorkQueues.QueueName(PipelineStep.SpaceJob));

    public static IEndpointRouteBuilder MapPipelineFunctions(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapQueueFunction(DecodeStep, (services, invocation, ct) => RunAsync(services, PipelineStep.Decode, invocation, ct));
        endpoints.MapQueueFunction(WindowStep, (services, invocation, ct) => RunAsync(services, PipelineStep.Window, invocation, ct));
        endpoints.MapQueueFunction(EmbedStep, (services, invocation, ct) => RunAsync(services, PipelineStep.Embed, invocation, ct));
        endpoints.MapQueueFunction(FinalizeStep, (services, invocation, ct) => RunAsync(services, PipelineStep.Finalize, invocation, ct));
        endpoints.MapQueueFunction(SpaceJobStep, (services, invocation, ct) => RunAsync(services, PipelineStep.SpaceJob, invocation, ct));
        return endpoints;
    }

    private static async Task<string> RunAsync(IServiceProvider services, PipelineStep step, QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var dispatcher = services.GetRequiredService<PipelineDispatcher>();
        StepMessage? message = null;
        try
        {
            message = StepMessage.Parse(invocation.Message);
            await dispatcher.RunAsync(message, cancellationToken);
            return message.JobId is { } jobId ? $"{step} step of job {jobId} done." : $"{step} step of session {message.SessionId} done.";
        }
        catch (Exception e) when (e is not OperationCanceledException
            && invocation.DequeueCount >= services.GetRequiredService<IOptions<PipelineOptions>>().Value.MaxDequeueCount)
        {
            // The host moves the message to the poison queue after this answer; the session learns why first.
            await dispatcher.GiveUpAsync(step, message, invocation.DequeueCount, e, CancellationToken.None);
            throw;
        }
    }
}
