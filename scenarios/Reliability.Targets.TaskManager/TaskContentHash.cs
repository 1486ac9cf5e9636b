using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reliability.Targets.TaskManager;

/// <summary>
/// The content of a task as one hash, computed the same way from an API response and from a database row,
/// so the RPO check can tell a stale row from a current one.
/// </summary>
internal static class TaskContentHash
{
    public static string Of(string title, string? description, string status, string priority, DateTimeOffset? dueDate)
    {
        var canonical = string.Join('\u001f', title, description ?? "\u0000", status, priority,
            dueDate?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture) ?? "\u0000");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).ToLowerInvariant()[..32];
    }
}
