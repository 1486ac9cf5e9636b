using Npgsql;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Tests.Configuration;

public sealed class DatabaseUrlTests
{
    [Fact]
    public void The_url_form_becomes_an_npgsql_connection_string()
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgres://app%40corp:p%3Ass%2Fw@db.internal:6432/task%20db?sslmode=require&application_name=x"));
        cs.Host.Should().Be("db.internal");
        cs.Port.Should().Be(6432);
        cs.Database.Should().Be("task db");
        cs.Username.Should().Be("app@corp");
        cs.Password.Should().Be("p:ss/w");
        cs.SslMode.Should().Be(SslMode.Require);
        cs.ApplicationName.Should().Be("x");
    }

    [Fact]
    public void The_url_form_defaults_port_and_database()
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("postgresql://u:p@localhost"));
        cs.Port.Should().Be(5432);
        cs.Database.Should().Be("postgres");
    }

    [Fact]
    public void The_keyword_form_is_accepted_as_it_is()
    {
        var cs = new NpgsqlConnectionStringBuilder(DatabaseUrl.ToConnectionString("Host=h;Port=5433;Username=u;Password=secret;Database=d"));
        cs.Host.Should().Be("h");
        cs.Port.Should().Be(5433);
        cs.Password.Should().Be("secret");
    }

    [Theory]
    [InlineData("postgres://u:s3cr3t@")]
    [InlineData("postgres://u:s3cr3t@h/db?nosuchoption=1")]
    [InlineData("Password=s3cr3t; this is = not ; valid = = at all")]
    public void Bad_values_name_the_variable_and_never_echo_the_password(string value)
    {
        var act = () => DatabaseUrl.ToConnectionString(value);
        var error = act.Should().Throw<SettingsException>().Which;
        error.SettingName.Should().Be("DATABASE_URL");
        error.Message.Should().NotContain("s3cr3t");
    }
}
