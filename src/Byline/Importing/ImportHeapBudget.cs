using System.Runtime;

namespace Byline.Importing;

/// <summary>
/// Holds the managed heap of an import run from the command line (a process of its own) to what it needs,
/// instead of letting the server GC grow it because nothing asks it not to (bench/import.md: 406 MB of RSS
/// uncapped against 287–292 MB with the heap held to 80–100 MB, on the same 20,000 posts). The cap is set
/// when the first batch of posts is read, after a full collection has shown what the run keeps (the first
/// pass's people, terms and attachments, the report): that, plus headroom, plus the batches in flight (the one
/// being read, two queued, the one being written) at a few times their text's size for the parsed bodies,
/// entities and search entries made from them. Before each later batch it is raised if the batch's bodies
/// are larger; it never falls. Never used inside the server,
/// whose heap serves readers; a limit the operator set (DOTNET_GCHeapHardLimit and kin) is left alone.
/// </summary>
public sealed class ImportHeapBudget
{
    internal const long Headroom = 64L * 1024 * 1024;
    internal const int BatchesHeld = 4;
    internal const int Expansion = 6;
    private readonly Lock _gate = new();
    private long _kept;

    private ImportHeapBudget()
    {
    }

    /// <summary>The heap limit set so far, in bytes (0 before the first batch).</summary>
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
    public static long Needed(long kept, long batchChars) => Math.Max(0, kept) + Headroom + (BatchesHeld * Expansion * sizeof(char) * Math.Max(0, batchChars));

    /// <summary>Before a batch is converted: raises the limit if the run keeps more, or this batch needs more, than before.</summary>
    public void Observe(long batchChars)
    {
        lock (_gate)
        {
            if (Limit == 0)
            {
                // What the first pass left behind, measured once with a full, compacting collection (also
                // returning memory, so the limit is not refused as below what is committed). Measured again
                // later, a background collection's figure holds garbage too and would only ratchet the limit up.
                GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                _kept = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
            }
            var wanted = Needed(_kept, batchChars);
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
}
