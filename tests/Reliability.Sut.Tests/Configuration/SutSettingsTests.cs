using Microsoft.Extensions.Configuration;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Tests.Configuration;

public sealed class SutSettingsTests
{
    private const string Url = "postgres://u:p@127.0.0.1:5432/d";
    private static readonly string Key = new('k', 32);

    private static SutSettings Read(bool development = false, params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
        return SutSettings.From(config, development);
    }

    [Fact]
    public void Defaults_follow_the_operations_guide()
    {
        var settings = Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", Key));
        settings.Port.Should().Be(8080);
        settings.DbMaxConnections.Should().Be(32);
        settings.DbMinConnections.Should().Be(5);
        settings.RequestTimeout.Should().Be(TimeSpan.FromSeconds(30));
        settings.Jwt.Issuer.Should().Be("reliability-sut");
        settings.Jwt.Audience.Should().Be("reliability-sut");
        settings.Jwt.TokenLifetime.Should().Be(TimeSpan.FromSeconds(900));
        settings.PasswordHashIterations.Should().Be(100_000);
        settings.MaxRequestBodyBytes.Should().Be(64 * 1024);
    }

    [Fact]
    public void Production_without_a_signing_key_is_refused_with_the_reason()
    {
        var act = () => Read(false, ("DATABASE_URL", Url));
        act.Should().Throw<SettingsException>().Which.Message.Should().Contain("JWT_SIGNING_KEY").And.Contain("Development");
    }

    [Fact]
    public void Development_without_a_signing_key_gets_a_random_ephemeral_one()
    {
        var settings = Read(true, ("DATABASE_URL", Url));
        settings.Jwt.SigningKeyIsEphemeral.Should().BeTrue();
        settings.Jwt.SigningKey.Should().HaveCount(32);
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused()
    {
        var act = () => Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", new string('k', 31)));
        act.Should().Throw<SettingsException>().Which.Message.Should().Contain("at least 32 bytes");
    }

    [Fact]
    public void An_oidc_authority_needs_no_local_key()
    {
        var settings = Read(false, ("DATABASE_URL", Url), ("JWT_AUTHORITY", "https://keycloak.example/realms/tasks"));
        settings.Jwt.Authority.Should().Be("https://keycloak.example/realms/tasks");
    }

    [Theory]
    [InlineData("PORT", "eighty")]
    [InlineData("PORT", "70000")]
    [InlineData("DB_MAX_CONNECTIONS", "0")]
    [InlineData("RATE_LIMITS_ENABLED", "maybe")]
    [InlineData("TRUSTED_PROXIES", "10.0.0.0/8,the-ingress")]
    public void Malformed_numbers_and_flags_name_the_variable(string name, string value)
    {
        var act = () => Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", Key), (name, value));
        act.Should().Throw<SettingsException>().Which.SettingName.Should().Be(name);
    }

    [Fact]
    public void Trusted_proxies_are_networks_and_single_addresses()
    {
        var settings = Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", Key), ("TRUSTED_PROXIES", "10.0.0.0/16, 192.168.1.10"));
        settings.TrustedProxies.Select(n => n.ToString()).Should().Equal("10.0.0.0/16", "192.168.1.10/32");
    }

    [Fact]
    public void Min_connections_above_max_is_refused()
    {
        var act = () => Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", Key), ("DB_MIN_CONNECTIONS", "10"), ("DB_MAX_CONNECTIONS", "5"));
        act.Should().Throw<SettingsException>().Which.SettingName.Should().Be("DB_MIN_CONNECTIONS");
    }

    [Fact]
    public void Printing_settings_never_shows_the_signing_key()
    {
        var settings = Read(false, ("DATABASE_URL", Url), ("JWT_SIGNING_KEY", Key));
        settings.Jwt.ToString().Should().NotContain(Key);
    }
}
