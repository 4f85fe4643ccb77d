namespace AudioFunctions.Sessions;

/// <summary>
/// Life cycle of a stream session: <c>Active</c> takes frames; <c>Finalizing</c> is between
/// <c>end</c> and the stored track; <c>Completed</c>, <c>Aborted</c> and <c>Error</c> are final.
/// An expired session is <c>Aborted</c> with reason <see cref="SessionReasons.Expired"/>.
/// </summary>
public enum SessionStatus
{
    Active,
    Finalizing,
    Completed,
    Aborted,
    Error,
}
