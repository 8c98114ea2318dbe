using System.Globalization;
using System.Text;

namespace Byline.Tests.Architecture;

/// <summary>
/// The feature folders of <c>src/Byline</c> as the compiled assembly shows them, and the rules they
/// keep (docs/architecture.md, "Which folder uses which").
/// </summary>
internal static class BylineFeatures
{
    public const string Hosting = "Hosting";

    /// <summary>
    /// The only types of Hosting that other folders may use, and who may use them. Hosting composes
    /// every feature, so a use of it from below would close a loop through everything; these are the
    /// deliberate exceptions, and edges made only of them do not count as dependencies.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> HostingSeams = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // A feature's background work waits for boot to finish (migrations, settings, demo content).
        ["Byline.Hosting.Readiness"] = "any feature",
        // A feature's own work at boot (the newsroom's roles), run by Hosting's StartupTasks in order.
        ["Byline.Hosting.IBootStep"] = "any feature",
        // The command line builds the same services as the web host, then runs its verb.
        ["Byline.Hosting.BylineHosting"] = "Cli",
        // The host's load shedding marks a request it refused; the output cache then answers with a stale copy.
        ["Byline.Hosting.LoadShedding"] = "Caching",
        // The connections the host may hold (descriptor limit); live streams take their total cap from it.
        ["Byline.Hosting.ConnectionBudget"] = "LiveBlogs",
    };

    /// <summary>
    /// Edges allowed while code that makes them is being replaced ("FromType → ToType"). Empty: the
    /// events rewrite removed the last ones (ShowCatalog's own eviction after its reload).
    /// </summary>
    public static readonly IReadOnlySet<string> InFlight = new HashSet<string>(StringComparer.Ordinal);

    private static readonly Lazy<FeatureGraph> Compiled = new(() =>
        FeatureGraph.Read(typeof(Program).Assembly.Location, Of, OfRazorFile));

    /// <summary>The graph of the compiled Byline assembly, seam and in-flight edges included.</summary>
    public static FeatureGraph Graph => Compiled.Value;

    /// <summary>
    /// The feature of a type: the first namespace segment under <c>Byline</c>.
    /// </summary>
    public static string? Of(string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (ns.Length == 0 && name == "Program")
        {
            return "Program";
        }

        if (!ns.StartsWith("Byline.", StringComparison.Ordinal))
        {
            // Compiler and source-generator output (anonymous types, regex engines, inline arrays):
            // generated from the code that uses it, which carries the reference itself.
            return null;
        }

        var dot = ns.IndexOf('.', "Byline.".Length);
        return dot < 0 ? ns["Byline.".Length..] : ns["Byline.".Length..dot];
    }

    /// <summary>A Razor class without a namespace of ours is placed by the folder of its .cshtml file.</summary>
    public static string? OfRazorFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 1 ? parts[0] : "Program";
    }

    /// <summary>
    /// The graph the rules apply to: edges into Hosting made only of its seams, and in-flight type pairs,
    /// left out. Returns the uses of Hosting that are not seams as well, for the seam test.
    /// </summary>
    public static (FeatureGraph Governed, IReadOnlyList<string> HostingMisuse) Govern(FeatureGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var governed = new FeatureGraph();
        var misuse = new List<string>();
        foreach (var feature in graph.Features)
        {
            governed.AddFeature(feature);
        }

        foreach (var (from, targets) in graph.Edges)
        {
            foreach (var (to, reasons) in targets)
            {
                foreach (var reason in reasons.Where(r => !InFlight.Contains(r)))
                {
                    if (to == Hosting && IsSeam(from, reason))
                    {
                        continue;
                    }

                    if (to == Hosting && from is not "Program")
                    {
                        misuse.Add(reason);
                    }

                    governed.AddEdge(from, to, reason);
                }
            }
        }

        return (governed, misuse);
    }

    private static bool IsSeam(string from, string reason)
    {
        var target = reason[(reason.IndexOf('→', StringComparison.Ordinal) + 2)..];
        return HostingSeams.TryGetValue(target, out var who) && (who == "any feature" || who == from);
    }

    /// <summary>
    /// The picture for docs/architecture.md: a mermaid graph of who uses whom. Content and Storage,
    /// which every feature uses, are listed under it rather than drawn as two dozen arrows.
    /// </summary>
    public static string Mermaid(FeatureGraph governed)
    {
        ArgumentNullException.ThrowIfNull(governed);
        string[] everywhere = ["Content", "Storage"];
        var text = new StringBuilder();
        text.AppendLine("```mermaid");
        text.AppendLine("graph TD");
        foreach (var (from, targets) in governed.Edges)
        {
            foreach (var to in targets.Keys.Where(to => !everywhere.Contains(to)))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {from} --> {to}");
            }
        }

        text.AppendLine("```");
        text.AppendLine();
        foreach (var bottom in everywhere)
        {
            var users = governed.Features.Where(f => governed.HasEdge(f, bottom)).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"Not drawn: {string.Join(", ", users)} → {bottom}.");
            text.AppendLine();
        }

        return text.ToString().TrimEnd() + "\n";
    }
}
