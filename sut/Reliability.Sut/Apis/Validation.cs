using System.Text;

namespace Reliability.Sut.Apis;

/// <summary>Collects one message per bad field, for a single 400 ValidationProblem naming them all.</summary>
internal sealed class Validation
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;
    public IDictionary<string, string[]> Errors => _errors;

    public void Fail(string field, string message) => _errors.TryAdd(field, [message]);

    public string? Text(string field, string? value, int maxLength, bool required, bool multiline = false)
    {
        if (value is null || (required && string.IsNullOrWhiteSpace(value)))
        {
            if (required)
            {
                Fail(field, $"The {field} field is required.");
            }
            return null;
        }
        if (value.Length > maxLength)
        {
            Fail(field, $"The {field} field must be at most {maxLength} characters.");
            return null;
        }
        if (!IsCleanText(value, multiline))
        {
            Fail(field, $"The {field} field contains control characters or invalid Unicode.");
            return null;
        }
        return value;
    }

    public string? OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is null)
        {
            return null;
        }
        if (!allowed.Contains(value))
        {
            Fail(field, $"The {field} field must be one of {string.Join(", ", allowed)}.");
            return null;
        }
        return value;
    }

    /// <summary>
    /// PostgreSQL text cannot hold NUL and UTF-8 cannot hold lone surrogates; rejecting them here keeps
    /// hostile input a 400 instead of a database error.
    /// </summary>
    public static bool IsCleanText(string value, bool multiline)
    {
        var span = value.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }
            if (Rune.IsControl(rune) && !(multiline && (rune.Value is '\n' or '\r' or '\t')))
            {
                return false;
            }
            span = span[consumed..];
        }
        return true;
    }
}
