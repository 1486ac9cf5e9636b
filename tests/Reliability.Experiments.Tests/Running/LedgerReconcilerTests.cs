using Reliability.Experiments.Running;
using Reliability.Load.Ledger;

namespace Reliability.Experiments.Tests.Running;

public sealed class LedgerReconcilerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_last_acknowledged_write_decides_what_must_be_in_the_database()
    {
        var entries = new[]
        {
            Ack(1, "create", "a", 0), Ack(1, "update", "b", 1),          // must hold b
            Ack(2, "create", "c", 2),                                     // must hold c, but is gone
            Ack(3, "create", "d", 3), Ack(3, "delete", null, 4),         // must be gone, but is still there
            Ack(4, "create", "e", 5), Unknown(4, "update", 6),           // ambiguous: an update without answer
            Ack(5, "create", "f", 7),                                     // stale: holds an older content
        };
        var expected = LedgerReconciler.Expect(entries, "task");
        var rows = new Dictionary<long, string> { [1] = "b", [3] = "d", [4] = "changed", [5] = "old" };

        var result = LedgerReconciler.Compare(expected, rows);

        result.Checked.Should().Be(4);
        result.Ambiguous.Should().Be(1);
        result.Lost.Should().Be(3);
        result.Missing.Should().Be(1);
        result.Stale.Should().Be(2);
        result.LostIds.Should().Equal(2, 3, 5);
        result.FirstLostAck.Should().Be(T0.AddSeconds(2));
        result.LossWindow.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void An_acknowledgement_after_an_unanswered_write_makes_the_entity_certain_again()
    {
        var entries = new[] { Ack(1, "create", "a", 0), Unknown(1, "update", 1), Ack(1, "update", "c", 2) };

        var expected = LedgerReconciler.Expect(entries, "task");

        expected.Ambiguous.Should().Be(0);
        expected.Current[1].Hash.Should().Be("c");
    }

    [Fact]
    public void An_id_created_a_second_time_was_issued_again_after_a_loss_so_its_first_row_is_lost_even_when_the_new_row_is_there()
    {
        // A restore put the sequence back: ids 7 and 8 were acknowledged before the disaster, lost, and issued again after it.
        var entries = new[]
        {
            Ack(6, "create", "a", 0),
            Ack(7, "create", "b", 1), Ack(7, "update", "b2", 2),
            Ack(8, "create", "c", 3), Ack(8, "delete", null, 4),         // deleted before the disaster: nothing of it is owed
            Ack(7, "create", "x", 20), Ack(8, "create", "y", 21),
        };

        var result = LedgerReconciler.Compare(LedgerReconciler.Expect(entries, "task"), new Dictionary<long, string> { [6] = "a", [7] = "x", [8] = "y" });

        result.Checked.Should().Be(4);
        result.Lost.Should().Be(1);
        result.Missing.Should().Be(1);
        result.LostIds.Should().Equal(7);
        result.FirstLostAck.Should().Be(T0.AddSeconds(2), "the lost write is the earlier incarnation's last acknowledged one");
    }

    private static LedgerEntry Ack(long id, string op, string? hash, int second) => new("task", id, op, hash, T0.AddSeconds(second), 1);

    private static LedgerEntry Unknown(long id, string op, int second) => new("task", id, op, null, T0.AddSeconds(second), 1, Indeterminate: true);
}
