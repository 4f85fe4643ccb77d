namespace AudioFunctions.Events;

/// <summary>
/// Where events go: a Storage queue locally, Event Hubs in Azure. Publishing never blocks or fails
/// the operation that caused the event: events are sent in the background, at least once for
/// pipeline steps (a replayed step publishes again), and are lost only if the process dies first.
/// </summary>
public interface IEventPublisher
{
    void Publish(AudioEvent audioEvent);
}
