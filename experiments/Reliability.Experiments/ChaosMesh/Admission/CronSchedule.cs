namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>
/// The schedules a Chaos Mesh Schedule accepts (robfig/cron's standard parser with descriptors): five
/// fields (minute, hour, day of month, month, day of week) of *, numbers, ranges, steps, lists and, for
/// months and weekdays, three-letter names; or @yearly, @annually, @monthly, @weekly, @daily, @midnight,
/// @hourly and @every with a Go duration. An optional CRON_TZ= or TZ= prefix names a time zone.
/// </summary>
internal static class CronSchedule
{
    private static readonly (int Min, int Max, string[] Names)[] Fields =
    [
        (0, 59, []),
        (0, 23, []),
        (1, 31, []),
        (1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        (0, 6, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];

    private static readonly string[] Descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    /// <summary>Null when the schedule parses; otherwise what is wrong.</summary>
    public static string? Problem(string text)
    {
        var spec = text.Trim();
        if (spec.StartsWith("CRON_TZ=", StringComparison.Ordinal) || spec.StartsWith("TZ=", StringComparison.Ordinal))
        {
            var space = spec.IndexOf(' ');
            if (space < 0)
            {
                return "a time zone prefix needs a schedule after it";
            }
            spec = spec[(space + 1)..].Trim();
        }
        if (spec.StartsWith('@'))
        {
            if (spec.StartsWith("@every ", StringComparison.Ordinal))
            {
                return GoDuration.IsValid(spec["@every ".Length..].Trim()) ? null : "@every needs a Go duration such as 1h30m";
            }
            return Descriptors.Contains(spec) ? null : $"unknown descriptor (expected one of {string.Join(", ", Descriptors)} or @every <duration>)";
        }
        var fields = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            return $"expected 5 fields (minute hour day-of-month month day-of-week), got {fields.Length}";
        }
        string[] names = ["minute", "hour", "day of month", "month", "day of week"];
        for (var i = 0; i < 5; i++)
        {
            if (!FieldIsValid(fields[i], Fields[i]))
            {
                return $"{names[i]} '{fields[i]}' is not valid (range {Fields[i].Min}-{Fields[i].Max})";
            }
        }
        return null;
    }

    private static bool FieldIsValid(string field, (int Min, int Max, string[] Names) range) =>
        field.Split(',').All(part => PartIsValid(part, range));

    private static bool PartIsValid(string part, (int Min, int Max, string[] Names) range)
    {
        var slash = part.Split('/');
        if (slash.Length > 2 || (slash.Length == 2 && (!int.TryParse(slash[1], out var step) || step <= 0)))
        {
            return false;
        }
        var body = slash[0];
        if (body is "*" or "?")
        {
            return true;
        }
        var bounds = body.Split('-');
        if (bounds.Length > 2)
        {
            return false;
        }
        var values = new int[bounds.Length];
        for (var i = 0; i < bounds.Length; i++)
        {
            if (Value(bounds[i], range) is not { } value)
            {
                return false;
            }
            values[i] = value;
        }
        return values.Length == 1 || values[0] <= values[1];
    }

    private static int? Value(string text, (int Min, int Max, string[] Names) range)
    {
        var index = Array.IndexOf(range.Names, text.ToLowerInvariant());
        if (index >= 0)
        {
            return range.Min + index;
        }
        return int.TryParse(text, out var value) && value >= range.Min && value <= range.Max ? value : null;
    }
}
