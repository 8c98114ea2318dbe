using System.Runtime;

namespace Byline.Importing;

/// <summary>
/// Holds the managed heap of an import run from the command line (a process of its own) to what it needs,
/// instead of letting the server GC grow it because nothing asks it not to (bench/import.md: 406 MB of RSS
/// uncapped against 287–292 MB with the heap held to 80–100 MB, on the same 20,000 posts).
/// <para>
/// The cap is set before the first pass (<see cref="Begin"/>): what the process keeps then, plus headroom for
/// the one item the first pass reads at a time. Set any later, it comes too late: the runtime refuses a limit
/// below what the heap has already committed, and the uncapped first pass commits ~280 MB on a quiet machine.
/// When the first batch of posts is read, the limit becomes what the run keeps (the first pass's people, terms
/// and attachments, the report), plus headroom, plus the batches in flight at a few times their text's size;
/// before each later batch it is raised if the batch's bodies are larger. It never falls. A watch raises it
/// too whenever a full collection finds the live heap past three quarters of it, so a run that keeps more than
/// foreseen (a site of very many attachments) slows down instead of running out of memory.
/// </para>
/// Never used inside the server, whose heap serves readers; a limit the operator set (DOTNET_GCHeapHardLimit
/// and kin) is left alone.
/// </summary>
public sealed class ImportHeapBudget : IDisposable
{
    internal const long Headroom = 64L * 1024 * 1024;
    /// <summary>
    /// On PostgreSQL a batch's write needs more: its first batch ran out of memory with the heap held to 81 and to
    /// 97 MB (SQLite's whole import ran under 81 MB), and ran under 167 MB (bench/import.md, 2026-12-07 evening).
    /// </summary>
    internal const long PostgresHeadroom = 144L * 1024 * 1024;
    /// <summary>Converted batches alive at once: the one being written, the one queued, the one just converted.</summary>
    internal const int BatchesHeld = 3;
    /// <summary>A converted post against its source text: the Markdown, the blocks' HTML, the entities and parameters made of them.</summary>
    internal const int Expansion = 4;
    private static readonly TimeSpan WatchEvery = TimeSpan.FromMilliseconds(250);
    private readonly Lock _gate = new();
    private long _kept;
    private long _headroom = Headroom;
    private bool _batchesBegun;
    private long _batchChars;
    private int _lastFullCollection;
    private Timer? _watch;

    private ImportHeapBudget()
    {
    }

    /// <summary>The heap limit set so far, in bytes (0 before <see cref="Begin"/>).</summary>
    public long Limit { get; private set; }

    /// <summary>A budget for this process, or null when the operator already limits the heap.</summary>
    public static ImportHeapBudget? ForCommandLine()
    {
        string[] settings = ["GCHeapHardLimit", "GCHeapHardLimitPercent"];
        if (settings.Any(s => Environment.GetEnvironmentVariable("DOTNET_" + s) is not null || Environment.GetEnvironmentVariable("COMPlus_" + s) is not null
            || AppContext.GetData(s) is not null || AppContext.GetData("System.GC." + s[2..]) is not null))
        {
            return null;
        }
        return new ImportHeapBudget();
    }

    /// <summary>What the heap may hold with <paramref name="kept"/> bytes kept and batches of <paramref name="batchChars"/> characters in flight.</summary>
    public static long Needed(long kept, long batchChars, long headroom = Headroom) =>
        Math.Max(0, kept) + headroom + (BatchesHeld * Expansion * sizeof(char) * Math.Max(0, batchChars));

    /// <summary>Before the first pass: the heap held to what the process keeps now, plus headroom; the watch starts.</summary>
    public void Begin(bool postgres)
    {
        lock (_gate)
        {
            _headroom = postgres ? PostgresHeadroom : Headroom;
            _kept = KeptNow();
            Raise(Needed(_kept, 0, _headroom));
            _lastFullCollection = GC.CollectionCount(GC.MaxGeneration);
            _watch ??= new Timer(_ => Watch(), null, WatchEvery, WatchEvery);
        }
    }

    /// <summary>Before a batch is converted: raises the limit if the run keeps more, or this batch needs more, than before.</summary>
    public void Observe(long batchChars)
    {
        lock (_gate)
        {
            if (!_batchesBegun)
            {
                // What the first pass left behind, measured once (never below what Begin measured: PostgreSQL's
                // first batch ran out of memory under a limit sized from a lower second figure). Measured again
                // later, a background collection's figure holds garbage too and would only ratchet the limit up.
                _batchesBegun = true;
                _kept = Math.Max(_kept, KeptNow());
            }
            _batchChars = Math.Max(_batchChars, batchChars);
            Raise(Needed(_kept, _batchChars, _headroom));
        }
    }

    public void Dispose() => _watch?.Dispose();

    private static long KeptNow()
    {
        // A full, compacting collection (also returning memory, so the limit is not refused as below what is committed).
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    private void Watch()
    {
        lock (_gate)
        {
            var count = GC.CollectionCount(GC.MaxGeneration);
            if (count == _lastFullCollection || Limit is 0 or long.MaxValue)
            {
                return;
            }
            _lastFullCollection = count;
            // After a full blocking collection the heap's size is what is live; near the limit the runtime
            // collects that way before it would fail an allocation.
            var live = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
            if (live > Limit / 4 * 3)
            {
                _kept = Math.Max(_kept, live);
                Raise(Math.Max(Limit + _headroom, Needed(live, _batchChars, _headroom)));
            }
        }
    }

    private void Raise(long wanted)
    {
        if (wanted <= Limit)
        {
            return;
        }
        // A limit below what the heap already committed is refused by the runtime; then the cap sits just
        // above what is committed, which still stops the growth.
        foreach (var limit in new[] { wanted, Math.Max(wanted, GC.GetGCMemoryInfo().TotalCommittedBytes + (32L * 1024 * 1024)) })
        {
            AppContext.SetData("GCHeapHardLimit", (ulong)limit);
            try
            {
                GC.RefreshMemoryLimit();
                Limit = limit;
                return;
            }
            catch (InvalidOperationException)
            {
                // Too low for what is committed: the next, higher figure is tried.
            }
        }
        AppContext.SetData("GCHeapHardLimit", null);
        Limit = long.MaxValue;
    }
}
