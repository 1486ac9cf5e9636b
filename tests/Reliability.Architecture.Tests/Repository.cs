namespace Reliability.Architecture.Tests;

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliability.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no Reliability.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>Every C# source file of the repository, build output left out.</summary>
    public static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(Root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
}
