using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reliability.Load.Ledger;

namespace Reliability.Load.Tests.Ledger;

/// <summary>The ledger is the RPO check's only witness: it must survive a crash mid-line and never lose a write without saying so.</summary>
public sealed class WriteLedgerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_last_line_cut_short_by_a_crash_is_left_out_and_every_entry_before_it_is_read()
    {
        var path = await WriteAsync(3);
        var text = await File.ReadAllTextAsync(path);
        // The harness was killed while it wrote the third line.
        await File.WriteAllTextAsync(path, text[..(text.TrimEnd('\n').LastIndexOf('\n') + 20)]);

        var entries = await ReadAsync(path);

        entries.Select(e => e.Id).Should().Equal(1, 2);
    }

    [Fact]
    public async Task A_damaged_line_before_the_last_is_an_error_that_names_the_file_and_line()
    {
        var path = await WriteAsync(3);
        var lines = await File.ReadAllLinesAsync(path);
        lines[1] = lines[1][..10];
        await File.WriteAllLinesAsync(path, lines);

        var read = () => ReadAsync(path);

        (await read.Should().ThrowAsync<JsonException>()).Which.Message.Should().StartWith($"{path}:2:");
    }

    [Fact]
    public async Task Writes_reported_after_the_ledger_closed_are_counted_as_late_instead_of_vanishing()
    {
        var ledger = new WriteLedger(Path.Combine(_dir, "late.jsonl"), _time);
        ledger.Acknowledged("task", 1, "create", "h1", virtualUser: 0);
        await ledger.DisposeAsync();

        ledger.Acknowledged("task", 2, "create", "h2", virtualUser: 0);
        ledger.Indeterminate("task", 3, "update", virtualUser: 1);

        ledger.Late.Should().Be(2);
        (await ReadAsync(ledger.Path)).Select(e => e.Id).Should().Equal(1);
    }

    [Fact]
    public async Task Every_acknowledged_and_indeterminate_write_is_on_disk_with_its_time_after_the_ledger_closes()
    {
        var ledger = new WriteLedger(Path.Combine(_dir, "all.jsonl"), _time);
        ledger.Acknowledged("task", 1, "create", "h1", virtualUser: 0);
        _time.Advance(TimeSpan.FromSeconds(2));
        ledger.Indeterminate("task", 1, "update", virtualUser: 0);
        await ledger.DisposeAsync();

        var entries = await ReadAsync(ledger.Path);

        entries.Should().Equal(
            new LedgerEntry("task", 1, "create", "h1", _time.GetUtcNow().AddSeconds(-2), 0),
            new LedgerEntry("task", 1, "update", null, _time.GetUtcNow(), 0, Indeterminate: true));
        ledger.Count.Should().Be(1, "only acknowledged writes count");
        ledger.Late.Should().Be(0);
    }

    private async Task<string> WriteAsync(int entries)
    {
        var path = Path.Combine(_dir, $"ledger-{Guid.NewGuid():N}.jsonl");
        await using var ledger = new WriteLedger(path, _time);
        for (var id = 1; id <= entries; id++)
        {
            ledger.Acknowledged("task", id, "create", $"hash-{id}", virtualUser: id);
        }
        return path;
    }

    private static async Task<List<LedgerEntry>> ReadAsync(string path)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var entry in WriteLedger.ReadAsync(path))
        {
            entries.Add(entry);
        }
        return entries;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
