using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Security;

/// <summary>
/// PBKDF2-HMAC-SHA512 through ASP.NET Core Identity's PasswordHasher (format v3, 128-bit salt,
/// 256-bit subkey). The work factor is PASSWORD_HASH_ITERATIONS (default 100,000, Identity's own
/// default): about 50-100 ms of one core per login here, which is what makes a login storm expensive.
/// </summary>
internal sealed class PasswordHashing
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    private sealed class Account;

    private static readonly Account Subject = new();
    private readonly PasswordHasher<Account> _hasher;
    private readonly string _decoyHash;

    public PasswordHashing(SutSettings settings)
    {
        _hasher = new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = settings.PasswordHashIterations,
        }));
        // Verifying against this when the user does not exist makes both answers cost the same.
        _decoyHash = _hasher.HashPassword(Subject, Guid.NewGuid().ToString("N"));
    }

    public string Hash(string password) => _hasher.HashPassword(Subject, password);

    /// <summary>Returns whether the password matches, and whether the stored hash should be upgraded.</summary>
    public (bool Valid, bool NeedsRehash) Verify(string? storedHash, string password)
    {
        var result = _hasher.VerifyHashedPassword(Subject, storedHash ?? _decoyHash, password);
        if (storedHash is null)
        {
            return (false, false);
        }
        return result switch
        {
            PasswordVerificationResult.Success => (true, false),
            PasswordVerificationResult.SuccessRehashNeeded => (true, true),
            _ => (false, false),
        };
    }
}
