using Azure;

namespace AudioFunctions.Tracks;

/// <summary>
/// A track document as a listing of the tracks container shows it: its blob name, version, last write, and the
/// space job that wrote this version (null when the pipeline stored it).
/// </summary>
public readonly record struct TrackListing(string BlobName, ETag ETag, DateTimeOffset LastModified, string? WrittenByJob);
