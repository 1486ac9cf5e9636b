using System.Net.Http.Json;
using Reliability.Load.Scenarios;
using Reliability.Load.Targets;

namespace Reliability.Samples.Scenarios;

/// <summary>
/// A product catalogue as a load target: "browse" lists products with a plain GET on the lean client, then
/// reads one product through HttpClient with a header of its own; "search" sends a JSON body. Public and
/// with a parameterless constructor, so `--scenarios` finds it.
/// </summary>
public sealed class CatalogTarget : ILoadTarget
{
    public string Name => "catalog";

    public IReadOnlyList<string> Scenarios { get; } = ["browse", "search"];

    // The catalogue keeps nothing the harness can reconcile: no RPO reader.
    public IRowReader? Rows => null;

    public Scenario Create(string scenario, TargetContext context) => scenario switch
    {
        "browse" => new Scenario { Name = "catalog-browse", Run = BrowseAsync },
        "search" => new Scenario { Name = "catalog-search", Run = SearchAsync },
        _ => throw new ArgumentException($"unknown scenario '{scenario}' of target {Name} (one of {string.Join(", ", Scenarios)})"),
    };

    private static async Task BrowseAsync(ScenarioContext ctx)
    {
        await ctx.Get("list-products", "products");
        await ctx.Step("get-product", async http =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"products/{ctx.Iteration % 10}");
            request.Headers.Add("X-Shop", "sample");
            return await http.SendAsync(request, ctx.CancellationToken);
        });
    }

    private static Task SearchAsync(ScenarioContext ctx) =>
        ctx.Step("search", http => http.PostAsJsonAsync("products/search", new { text = "lamp", page = 1 }, ctx.CancellationToken));
}
