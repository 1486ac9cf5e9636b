using Reliability.Sut;
using Reliability.Sut.Configuration;

var builder = WebApplication.CreateBuilder(args);
SutSettings settings;
try
{
    settings = SutSettings.From(builder.Configuration, builder.Environment.IsDevelopment());
}
catch (SettingsException ex)
{
    // Refuse to start, and say why, before anything could serve with a bad configuration.
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

builder.ConfigureSut(settings);
var app = builder.Build();
app.UseSut();
app.Logger.LogInformation("Task manager SUT starting in {Environment}: zone {Zone}, pod {Pod}, port {Port}",
    app.Environment.EnvironmentName, settings.Zone, settings.PodName, settings.Port);
if (settings.Jwt.SigningKeyIsEphemeral)
{
    app.Logger.LogWarning("JWT_SIGNING_KEY is not set: using a random per-process key (Development only)");
}
await app.RunAsync();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
