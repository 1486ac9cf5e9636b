using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;

namespace Reliability.Load.Targets;

/// <summary>
/// A system the harness puts load on, known by name: its scenarios, and, when it can say what it stored,
/// a reader of its rows for the RPO check. The runner, the experiment spec and the CLI know targets only
/// through this: the bundled SUT is one (Reliability.Targets.TaskManager), any HTTP service another
/// (<see cref="HttpTarget"/>), and users bring theirs in an assembly of their own (<see cref="TargetCatalog.LoadAssembly"/>).
/// </summary>
public interface ILoadTarget
{
    /// <summary>The name experiments and the command line use, e.g. "task-manager", "http".</summary>
    string Name { get; }

    /// <summary>The scenario names <see cref="Create"/> accepts; the first is the default.</summary>
    IReadOnlyList<string> Scenarios { get; }

    /// <summary>The scenario, without simulations (the caller sets them). Writes it acknowledges go to the context's ledger.</summary>
    Scenario Create(string scenario, TargetContext context);

    /// <summary>Reads back what the target stored, for the RPO check; null when it keeps nothing the harness can read.</summary>
    IRowReader? Rows { get; }

    /// <summary>
    /// True when the scenarios request the run's URL itself (path and query as given); false when the URL is
    /// a base under which their relative paths resolve, so it gets a trailing slash.
    /// </summary>
    bool RequestsUrlAsGiven => false;

    /// <summary>The HTTP base address for a run against <paramref name="url"/>.</summary>
    Uri BaseAddress(Uri url) => RequestsUrlAsGiven || url.AbsolutePath.EndsWith('/') ? url : new Uri(url.GetLeftPart(UriPartial.Path) + "/" + url.Query);
}

/// <summary>What a target's scenarios may use: the write ledger (acknowledged writes) and the clock.</summary>
public sealed record TargetContext(WriteLedger? Ledger, TimeProvider Time);

/// <summary>
/// The current content of the rows a ledger's writes went to: per id, a content hash computed the same
/// way as the one the scenario put in the ledger when the write was acknowledged.
/// </summary>
public interface IRowReader
{
    /// <summary>The ledger's entity these rows hold (its writes are the ones reconciled).</summary>
    string Entity { get; }

    Task<IReadOnlyDictionary<long, string>> ReadAsync(string connectionString, IReadOnlyCollection<long> ids, CancellationToken ct);
}
