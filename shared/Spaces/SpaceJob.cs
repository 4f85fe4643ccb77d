namespace AudioFunctions.Spaces;

/// <summary>
/// A job over every stored track: <c>reembed</c> fills <see cref="Space"/> from the audio and metadata in storage and
/// then makes it the active space of <see cref="Collection"/>; <c>delete</c> takes <see cref="Space"/> out of every
/// track. Stored as JSON (<c>jobs/{id}.json</c> in the sessions container) and advanced one slice of tracks per queue
/// message, each slice recorded by compare-and-swap with the listing position it reached, so a crash loses at most
/// one slice of work, which the next delivery of the message redoes (every step of a track is idempotent).
/// </summary>
public sealed record SpaceJob
{
    public const string Reembed = "reembed";
    public const string Delete = "delete";

    public required string JobId { get; init; }

    public required string Kind { get; init; }

    /// <summary>The collection's wire name: <c>audio</c> or <c>text</c>.</summary>
    public required string Collection { get; init; }

    public required string Space { get; init; }

    /// <summary>The active space when a re-embedding started: what search used until the switch.</summary>
    public string? PreviousSpace { get; init; }

    public SpaceJobStatus Status { get; init; } = SpaceJobStatus.Counting;

    public int TracksTotal { get; init; }

    /// <summary>Tracks handled, including those that already had the space and those without audio or text.</summary>
    public int TracksDone { get; init; }

    public int Errors { get; init; }

    /// <summary>The last few failures, newest last.</summary>
    public IReadOnlyList<SpaceJobError> RecentErrors { get; init; } = [];

    /// <summary>Where the listing of tracks goes on: a continuation token of the track container's listing.</summary>
    public string? Cursor { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Why the job failed.</summary>
    public string? Failure { get; init; }

    public bool IsFinished => Status is SpaceJobStatus.Completed or SpaceJobStatus.Failed;

    /// <summary>Tracks per minute since the start (0 before the first minute's worth of work is measurable).</summary>
    public double TracksPerMinute
    {
        get
        {
            var minutes = ((CompletedAt ?? UpdatedAt) - StartedAt).TotalMinutes;
            return minutes > 0 ? TracksDone / minutes : 0;
        }
    }
}
