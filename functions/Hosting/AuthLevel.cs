namespace AudioFunctions.Functions.Hosting;

/// <summary>The Functions host's auth levels, as written in <c>function.json</c>.</summary>
public enum AuthLevel
{
    Anonymous,
    Function,
}
