using AudioFunctions.Indexing.AzureSearch;

namespace AudioFunctions.Tests.Indexing.AzureSearch;

/// <summary>
/// What the reconciler relies on to skip unchanged tracks and to tell a deleted track from one written after its listing
/// began: only a write that ended well, alone, confirms a version.
/// </summary>
public sealed class AzureSearchVersionLedgerTests
{
    [Fact]
    public void AWriteThatSucceeded_ConfirmsItsVersion_AndOneThatFailed_LeavesTheTrackUnconfirmedButKnown()
    {
        var ledger = new AzureSearchVersionLedger();
        ledger.BeginWrite("t");
        Assert.False(ledger.IsConfirmed("t", "v1"));
        ledger.EndWrite("t", "v1", succeeded: true);
        Assert.True(ledger.IsConfirmed("t", "v1"));
        Assert.False(ledger.IsConfirmed("t", "v2"));

        ledger.BeginWrite("t");
        ledger.EndWrite("t", "v2", succeeded: false);

        Assert.False(ledger.IsConfirmed("t", "v1"));
        Assert.False(ledger.IsConfirmed("t", "v2"));
        Assert.Equal(["t"], ledger.KnownTrackIds());   // still removed from the service once no longer stored
    }

    [Fact]
    public void OverlappingWritesOfOneTrack_ConfirmNeither()
    {
        // They may land in the service in either order, index by index: what it holds is unknown.
        var ledger = new AzureSearchVersionLedger();
        ledger.BeginWrite("t");
        ledger.BeginWrite("t");
        ledger.EndWrite("t", "v1", succeeded: true);
        ledger.EndWrite("t", "v2", succeeded: true);

        Assert.False(ledger.IsConfirmed("t", "v1"));
        Assert.False(ledger.IsConfirmed("t", "v2"));

        ledger.BeginWrite("t");
        ledger.EndWrite("t", "v3", succeeded: true);
        Assert.True(ledger.IsConfirmed("t", "v3"));
    }

    [Fact]
    public void ASuccessfulRemoval_ForgetsTheTrack_AndAFailedOneKeepsItKnown()
    {
        var ledger = new AzureSearchVersionLedger();
        ledger.BeginWrite("a");
        ledger.EndWrite("a", "v1", succeeded: true);
        ledger.BeginWrite("b");
        ledger.EndWrite("b", "v1", succeeded: true);

        ledger.BeginWrite("a");
        ledger.EndWrite("a", version: null, succeeded: true);
        ledger.BeginWrite("b");
        ledger.EndWrite("b", version: null, succeeded: false);

        Assert.Equal(["b"], ledger.KnownTrackIds());
    }

    [Fact]
    public void ChangedSince_CoversWritesUnderWayAndThoseAfterTheTick_AndALookupDoesNotConfirmThem()
    {
        var ledger = new AzureSearchVersionLedger();
        ledger.BeginWrite("before");
        ledger.EndWrite("before", "v1", succeeded: true);
        var listedAt = ledger.Now;
        ledger.BeginWrite("during");
        ledger.BeginWrite("after");
        ledger.EndWrite("after", "v1", succeeded: true);

        Assert.False(ledger.ChangedSince("before", listedAt));
        Assert.False(ledger.ChangedSince("never", listedAt));
        Assert.True(ledger.ChangedSince("during", listedAt));
        Assert.True(ledger.ChangedSince("after", listedAt));
        Assert.False(ledger.ConfirmUnlessChangedSince("during", "v0", listedAt));
        Assert.False(ledger.ConfirmUnlessChangedSince("after", "v0", listedAt));
        Assert.True(ledger.IsConfirmed("after", "v1"));
        Assert.True(ledger.ConfirmUnlessChangedSince("never", "v7", listedAt));
        Assert.True(ledger.IsConfirmed("never", "v7"));

        // Forgetting settled write times keeps what is under way.
        ledger.ForgetSettledWrites();
        Assert.True(ledger.ChangedSince("during", ledger.Now));
        Assert.False(ledger.ChangedSince("after", listedAt));
    }
}
