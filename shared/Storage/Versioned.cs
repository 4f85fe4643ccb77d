using Azure;

namespace AudioFunctions.Storage;

/// <summary>A stored value with the ETag it was read at; writes back compare-and-swap on that ETag.</summary>
public readonly record struct Versioned<T>(T Value, ETag ETag);
