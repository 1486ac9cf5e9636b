using System.Globalization;

namespace Reliability.Sut.Configuration;

/// <summary>A setting that is missing or malformed. The message names the variable, never its value.</summary>
internal sealed class SettingsException(string name, string problem)
    : Exception($"Configuration error: {name} {problem}.")
{
    public string SettingName { get; } = name;
}

internal sealed class SettingsReader(IConfiguration config)
{
    public string? Optional(string name)
    {
        var value = config[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string Required(string name) =>
        Optional(name) ?? throw new SettingsException(name, "is required but not set");

    public string String(string name, string fallback) => Optional(name) ?? fallback;

    public int Int(string name, int fallback, int min, int max)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return fallback;
        }
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new SettingsException(name, $"must be a whole number, got '{raw}'");
        }
        if (value < min || value > max)
        {
            throw new SettingsException(name, $"must be between {min} and {max}, got {value}");
        }
        return value;
    }

    /// <summary>A comma-separated list of networks in CIDR form (an address alone is its /32 or /128).</summary>
    public IReadOnlyList<System.Net.IPNetwork> Networks(string name)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var item in (Optional(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(item, out var network))
            {
                networks.Add(network);
            }
            else if (System.Net.IPAddress.TryParse(item, out var address))
            {
                networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                throw new SettingsException(name, $"must be a comma-separated list of networks such as 10.0.0.0/8, got '{item}'");
            }
        }
        return networks;
    }

    public bool Bool(string name, bool fallback)
    {
        var raw = Optional(name);
        return raw is null ? fallback : raw.ToLowerInvariant() switch
        {
            "1" or "true" or "yes" or "on" => true,
            "0" or "false" or "no" or "off" => false,
            _ => throw new SettingsException(name, $"must be true or false, got '{raw}'"),
        };
    }
}
