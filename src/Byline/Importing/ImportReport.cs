using System.Globalization;
using System.Text;

namespace Byline.Importing;

/// <summary>What happened to one kind of item.</summary>
public sealed class ImportCounts
{
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Skipped { get; set; }
}

/// <summary>
/// The run's account: counts per kind, the comments seen (counted, not imported), and one line per item
/// that was not imported or was imported with losses, and why. Lines go to the report file as they
/// happen (tab-separated: kind, source id, title, outcome, reason), so a large run holds none of them.
/// </summary>
public sealed class ImportReport(TextWriter? file)
{
    private readonly Dictionary<string, ImportCounts> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _otherTypes = new(StringComparer.Ordinal);
    private bool _headerWritten;

    public int Comments { get; set; }
    public int RedirectsWritten { get; set; }
    public int RedirectsUnchanged { get; set; }
    public int Entries { get; private set; }
    public int LinksRewritten { get; set; }

    /// <summary>The first entries, for the console when there is no report file.</summary>
    public IReadOnlyList<string> FirstEntries => _first;

    private readonly List<string> _first = [];

    public ImportCounts For(string kind)
    {
        if (!_counts.TryGetValue(kind, out var c))
        {
            _counts[kind] = c = new ImportCounts();
        }
        return c;
    }

    public void OtherType(string type) => _otherTypes[type] = _otherTypes.GetValueOrDefault(type) + 1;

    public void Skipped(string kind, string id, string title, string reason)
    {
        For(kind).Skipped++;
        Entry(kind, id, title, "not imported", reason);
    }

    public void Loss(string kind, string id, string title, string reason) => Entry(kind, id, title, "imported with losses", reason);

    private void Entry(string kind, string id, string title, string outcome, string reason)
    {
        Entries++;
        var line = string.Join('\t', Clean(kind), Clean(id), Clean(title), outcome, Clean(reason));
        if (_first.Count < 10)
        {
            _first.Add(line);
        }
        if (file is null)
        {
            return;
        }
        if (!_headerWritten)
        {
            file.WriteLine("kind\tid\ttitle\toutcome\treason");
            _headerWritten = true;
        }
        file.WriteLine(line);
        // Lines reach the disk as they happen: a killed run still leaves its report.
        file.Flush();
    }

    /// <summary>Writes the header line if no entry did, so a clean run's report file still says what it holds.</summary>
    public void EnsureHeader()
    {
        if (file is null || _headerWritten)
        {
            return;
        }
        file.WriteLine("kind\tid\ttitle\toutcome\treason");
        _headerWritten = true;
        file.Flush();
    }

    private static string Clean(string s)
    {
        var text = (s ?? "").Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    /// <summary>The closing lines: per kind, what was (or, in a dry run, would be) done.</summary>
    public string Summary(bool dryRun)
    {
        var sb = new StringBuilder();
        var (create, update) = dryRun ? ("would create", "would update") : ("created", "updated");
        foreach (var (kind, c) in _counts.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"{kind}: {c.Created:N0} {create}, {c.Updated:N0} {update}, {c.Unchanged:N0} unchanged, {c.Skipped:N0} not imported").AppendLine();
        }
        sb.Append(CultureInfo.InvariantCulture, $"redirects: {RedirectsWritten:N0} {(dryRun ? "would be written" : "written")}, {RedirectsUnchanged:N0} unchanged").AppendLine();
        if (LinksRewritten > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"links to the old site rewritten to new addresses: {LinksRewritten:N0}").AppendLine();
        }
        sb.Append(CultureInfo.InvariantCulture, $"comments: {Comments:N0} counted, not imported").AppendLine();
        if (_otherTypes.Count > 0)
        {
            sb.Append("other items not imported: ")
                .AppendJoin(", ", _otherTypes.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value:N0}")))
                .AppendLine();
        }
        sb.Append(CultureInfo.InvariantCulture, $"report entries (not imported, or imported with losses): {Entries:N0}");
        return sb.ToString();
    }

}
