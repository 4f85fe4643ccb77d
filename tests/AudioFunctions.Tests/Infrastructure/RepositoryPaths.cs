namespace AudioFunctions.Tests.Infrastructure;

/// <summary>Finds files of the repository from the test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Azurite =>
        Environment.GetEnvironmentVariable("AZURITE_BIN") is { Length: > 0 } path ? path
            : Path.Combine(Root, "node_modules", ".bin", "azurite");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AudioFunctions.sln")))
                return dir.FullName;
        throw new InvalidOperationException("The repository root (with AudioFunctions.sln) is not above " + AppContext.BaseDirectory);
    }
}
