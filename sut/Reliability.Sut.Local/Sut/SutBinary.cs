namespace Reliability.Sut.Local.Sut;

/// <summary>
/// Finds the SUT's build output. Projects that reference Reliability.Sut get its dll, deps and
/// runtimeconfig copied beside them, which is where the harness and the tests look.
/// </summary>
internal static class SutBinary
{
    public const string AssemblyFile = "Reliability.Sut.dll";

    public static string LocateAssembly()
    {
        var path = Path.Combine(AppContext.BaseDirectory, AssemblyFile);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{AssemblyFile} is not beside {AppContext.BaseDirectory}: reference sut/Reliability.Sut from the project that starts it.", path);
    }

    /// <summary>The dotnet host that runs this process, so the SUT uses the same runtime.</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        return "dotnet";
    }
}
