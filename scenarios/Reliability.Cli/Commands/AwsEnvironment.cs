using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Cli.Commands;

/// <summary>
/// The AWS_ variables that point the AWS CLI, the SDKs and `--target kubernetes` at the environment's CloudWatch
/// stand-in. The secret key is local and throwaway, yet it goes only into a 0600 file, never to the terminal.
/// </summary>
internal static class AwsEnvironment
{
    public static IReadOnlyList<(string Name, string Value)> Variables(LocalCloudWatch cloudWatch) =>
    [
        ("AWS_ENDPOINT_URL_CLOUDWATCH", cloudWatch.Endpoint.Address.ToString()),
        ("AWS_REGION", cloudWatch.Endpoint.Region),
        ("AWS_DEFAULT_REGION", cloudWatch.Endpoint.Region),
        ("AWS_ACCESS_KEY_ID", cloudWatch.Endpoint.Credentials.AccessKey),
        ("AWS_SECRET_ACCESS_KEY", cloudWatch.Endpoint.Credentials.SecretKey),
    ];

    /// <summary>Shell assignments, one a line, quoted for sh.</summary>
    public static string Lines(LocalCloudWatch cloudWatch) =>
        string.Concat(Variables(cloudWatch).Select(v => $"{v.Name}='{v.Value.Replace("'", "'\\''", StringComparison.Ordinal)}'\n"));

    /// <summary>Writes aws.env in the run folder (0600) and returns what to print: the endpoint, the key id, and how to load the rest.</summary>
    public static string Describe(LocalCloudWatch cloudWatch, string runFolder)
    {
        var path = Path.Combine(runFolder, "aws.env");
        PrivateFile.Write(path, Lines(cloudWatch));
        return $"""
              cloudwatch    {cloudWatch.Endpoint.Address}   (a local stand-in; alarms: {string.Join(", ", cloudWatch.AlarmNames)})
                            AWS_ENDPOINT_URL_CLOUDWATCH={cloudWatch.Endpoint.Address} AWS_REGION={cloudWatch.Endpoint.Region} AWS_ACCESS_KEY_ID={cloudWatch.Endpoint.Credentials.AccessKey}
                            and AWS_SECRET_ACCESS_KEY in {path}: set -a; . {path}; set +a
                            aws --endpoint-url {cloudWatch.Endpoint.Address} cloudwatch describe-alarms
            """;
    }
}

/// <summary>A file only its owner may read, created so before anything is written to it.</summary>
internal static class PrivateFile
{
    public static void Write(string path, string text)
    {
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(path, text);
    }
}
