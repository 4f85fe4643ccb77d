using System.Collections.ObjectModel;
using AudioFunctions.Tests.Infrastructure;

namespace AudioFunctions.Tests.Search;

/// <summary>The app with the exact embedded index (<c>INDEX__KIND=exact</c>) instead of the default graph index.</summary>
public sealed class ExactIndexAppFixture : AppFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?> { ["INDEX__KIND"] = "exact" });
}
