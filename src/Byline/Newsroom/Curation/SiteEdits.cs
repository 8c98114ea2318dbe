using System.Security.Claims;
using Byline.Content;
using Byline.Events;
using Byline.Publishing;
using Byline.Storage;

namespace Byline.Newsroom.Curation;

/// <summary>
/// Saves a change to the site settings document with its audit entry and one content event for the
/// settings and the home page, in one transaction; every node's settings reload as they consume it.
/// </summary>
public sealed class SiteEdits(SiteSettingsStore store, BylineDb db, AuditLog audit, ContentEvents events, TimeProvider clock)
{
    public SiteSettings Current => store.Current;

    public async Task SaveAsync(SiteSettings settings, ClaimsPrincipal actor, string what, string ip, CancellationToken ct)
    {
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await SiteSettingsStore.WriteAsync(db, settings, clock, ct);
            audit.Record(db, actor, AuditActions.SettingsSaved, "settings", what, "", ip);
            await db.SaveChangesAsync(ct);
            await events.AppendAsync(db, new ContentChanged([ContentKeys.Settings, ContentKeys.Home], "settings: " + what), ct);
            await tx.CommitAsync(ct);
        }
        store.Apply(settings);
        await events.CommittedAsync(db, ct);
    }
}

/// <summary>
/// Link lists edited as text, one link a line, "Label | URL": works without JavaScript, and keeps
/// what was typed when a line is wrong. URLs must be http(s) or site-relative.
/// </summary>
public static class LinkLines
{
    public const int MaxLabel = 100;
    public const int MaxUrl = 2000;

    public static bool IsAllowedUrl(string url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrl || url.Any(char.IsControl))
        {
            return false;
        }
        // Site-relative ("/world"), but not protocol-relative ("//evil.example") or "/\evil".
        if (url.StartsWith('/'))
        {
            return url.Length == 1 || (url[1] != '/' && url[1] != '\\');
        }
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;
    }

    /// <summary>Parses one "Label | URL" line; the error names the line number.</summary>
    public static LinkItem? Parse(string line, int number, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(errors);
        var bar = line.LastIndexOf('|');
        if (bar < 0)
        {
            errors.Add($"Line {number}: write \"Label | URL\".");
            return null;
        }
        var label = line[..bar].Trim();
        var url = line[(bar + 1)..].Trim();
        if (label.Length == 0 || label.Length > MaxLabel)
        {
            errors.Add($"Line {number}: the label must be 1 to {MaxLabel} characters.");
            return null;
        }
        if (!IsAllowedUrl(url))
        {
            errors.Add($"Line {number}: \"{(url.Length > 80 ? url[..80] + "…" : url)}\" is not an http(s) or site-relative (/…) address.");
            return null;
        }
        return new LinkItem(label, url);
    }

    public static IReadOnlyList<LinkItem> ParseList(string? text, ICollection<string> errors)
    {
        var items = new List<LinkItem>();
        foreach (var (line, number) in Lines(text))
        {
            if (Parse(line, number, errors) is { } item)
            {
                items.Add(item);
            }
        }
        return items;
    }

    /// <summary>Two-level menus: a top item per line, its children on the lines after it starting with "-".</summary>
    public static IReadOnlyList<MenuItem> ParseMenu(string? text, ICollection<string> errors)
    {
        var menu = new List<(LinkItem Item, List<MenuItem> Children)>();
        foreach (var (line, number) in Lines(text))
        {
            var trimmed = line.TrimStart();
            var isChild = trimmed.StartsWith('-');
            if (Parse(isChild ? trimmed[1..] : trimmed, number, errors) is not { } item)
            {
                continue;
            }
            if (!isChild)
            {
                menu.Add((item, []));
            }
            else if (menu.Count == 0)
            {
                errors.Add($"Line {number}: a sub-item (\"- …\") needs a top item above it.");
            }
            else
            {
                menu[^1].Children.Add(new MenuItem(item.Label, item.Url));
            }
        }
        return [.. menu.Select(m => new MenuItem(m.Item.Label, m.Item.Url, m.Children.Count > 0 ? m.Children : null))];
    }

    /// <summary>Footer groups: "# Group title" starts a group, the link lines after it belong to it.</summary>
    public static IReadOnlyList<LinkGroup> ParseGroups(string? text, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var groups = new List<(string Title, List<LinkItem> Links)>();
        foreach (var (line, number) in Lines(text))
        {
            if (line.TrimStart().StartsWith('#'))
            {
                var title = line.TrimStart().TrimStart('#').Trim();
                if (title.Length == 0 || title.Length > MaxLabel)
                {
                    errors.Add($"Line {number}: a group title must be 1 to {MaxLabel} characters.");
                    continue;
                }
                groups.Add((title, []));
                continue;
            }
            if (Parse(line, number, errors) is not { } item)
            {
                continue;
            }
            if (groups.Count == 0)
            {
                errors.Add($"Line {number}: start a group with \"# Title\" before its links.");
                continue;
            }
            groups[^1].Links.Add(item);
        }
        return [.. groups.Select(g => new LinkGroup(g.Title, g.Links))];
    }

    public static string Format(IEnumerable<LinkItem> items) => string.Join('\n', items.Select(i => $"{i.Label} | {i.Url}"));

    public static string Format(IEnumerable<MenuItem> menu) =>
        string.Join('\n', menu.SelectMany(m => new[] { $"{m.Label} | {m.Url}" }.Concat(m.Items.Select(c => $"- {c.Label} | {c.Url}"))));

    public static string Format(IEnumerable<LinkGroup> groups) =>
        string.Join('\n', groups.SelectMany(g => new[] { $"# {g.Title}" }.Concat(g.Links.Select(l => $"{l.Label} | {l.Url}"))));

    private static IEnumerable<(string Line, int Number)> Lines(string? text) =>
        (text ?? "").ReplaceLineEndings("\n").Split('\n')
            .Select((line, i) => (line, i + 1))
            .Where(l => l.line.Trim().Length > 0);
}
