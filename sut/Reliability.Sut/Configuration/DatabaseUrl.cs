using Npgsql;

namespace Reliability.Sut.Configuration;

/// <summary>
/// Accepts DATABASE_URL in both forms operators use: the URL form of Heroku/RDS tooling
/// (postgres://user:pass@host:port/db?sslmode=require) and Npgsql's keyword form.
/// Errors never echo the value, because it carries the password.
/// </summary>
internal static class DatabaseUrl
{
    public static string ToConnectionString(string value)
    {
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(value);
        }
        try
        {
            return new NpgsqlConnectionStringBuilder(value).ConnectionString;
        }
        catch (ArgumentException)
        {
            throw new SettingsException("DATABASE_URL", "is neither a postgres:// URL nor a valid Npgsql connection string");
        }
    }

    private static string FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new SettingsException("DATABASE_URL", "is not a valid postgres:// URL");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }
        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        foreach (var (key, val) in ParseQuery(uri.Query))
        {
            try
            {
                builder[MapQueryKey(key)] = val;
            }
            catch (ArgumentException)
            {
                throw new SettingsException("DATABASE_URL", $"has an unsupported query parameter '{key}'");
            }
        }
        return builder.ConnectionString;
    }

    private static string MapQueryKey(string key) => key.ToLowerInvariant() switch
    {
        "sslmode" => "SSL Mode",
        "application_name" => "Application Name",
        "connect_timeout" => "Timeout",
        _ => key,
    };

    private static IEnumerable<(string Key, string Value)> ParseQuery(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            yield return (Uri.UnescapeDataString(parts[0]), parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "");
        }
    }
}
