using System.Globalization;
using Byline.Content;

namespace Byline.Newsroom.Curation;

/// <summary>One link as the structured form posts it (<c>Groups[g].Links[i].Label</c>, <c>….Url</c>).</summary>
public sealed class LinkRow
{
    public string? Label { get; set; }
    public string? Url { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Label) && string.IsNullOrWhiteSpace(Url);
}

/// <summary>
/// A group of links as the form posts it: a menu's top item (its label and link, its sub-items as
/// <see cref="Links"/>), a footer group (its heading as <see cref="Label"/>), or the one group holding the
/// trending topics (no heading).
/// </summary>
public sealed class GroupRow
{
    public string? Label { get; set; }
    public string? Url { get; set; }
#pragma warning disable CA2227, CA1002 // Model binding fills the posted rows into this list; the form's buttons rearrange it.
    public List<LinkRow> Links { get; set; } = [];
#pragma warning restore CA2227, CA1002

    public bool IsBlank => string.IsNullOrWhiteSpace(Label) && string.IsNullOrWhiteSpace(Url) && Links.All(l => l is null || l.IsBlank);
}

/// <summary>How a list is built: one flat list, top items that each hold sub-items, or headed groups of links.</summary>
public enum LinkListShape
{
    Flat,
    Menu,
    Groups,
}

/// <summary>What one of the three edited lists is called, how it is built and how long it may be.</summary>
public sealed record LinkListKind(string Key, string Title, string Help, LinkListShape Shape, int MaxGroups, int MaxLinks, string GroupNoun, string LinkNoun)
{
    public static readonly LinkListKind Trending = new("trending", "Trending topics",
        "The chips under the site header, in this order. Keep each label short.", LinkListShape.Flat, 1, 20, "list", "topic");

    public static readonly LinkListKind Menus = new("menus", "Navigation menu",
        "The site header's menu, in this order. Each top item can open onto sub-items (two levels).", LinkListShape.Menu, 15, 20, "top item", "sub-item");

    public static readonly LinkListKind Footer = new("footer", "Footer groups",
        "The link groups at the foot of every page: a heading each, then its links.", LinkListShape.Groups, 8, 20, "group", "link");

    public static readonly IReadOnlyDictionary<string, LinkListKind> All =
        new[] { Trending, Menus, Footer }.ToDictionary(k => k.Key, StringComparer.Ordinal);

    public bool HasGroupLink => Shape == LinkListShape.Menu;

    public bool HasGroupHeader => Shape != LinkListShape.Flat;

    public string GroupLabelName => Shape == LinkListShape.Groups ? "Heading" : "Label";

    public string AddLinkText => Shape switch
    {
        LinkListShape.Menu => "Add a sub-item",
        LinkListShape.Groups => "Add a link",
        _ => "Add a topic",
    };

    /// <summary>The rows of the current settings, in order.</summary>
    internal List<GroupRow> Read(SiteSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        static List<LinkRow> Rows(IEnumerable<(string Label, string Url)> links) => [.. links.Select(l => new LinkRow { Label = l.Label, Url = l.Url })];
        return Shape switch
        {
            LinkListShape.Flat => [new GroupRow { Links = Rows(settings.TrendingTopics.Select(t => (t.Label, t.Url))) }],
            LinkListShape.Menu => [.. settings.Navigation.Select(m => new GroupRow { Label = m.Label, Url = m.Url, Links = Rows(m.Items.Select(c => (c.Label, c.Url))) })],
            _ => [.. settings.FooterGroups.Select(g => new GroupRow { Label = g.Title, Links = Rows(g.Links.Select(l => (l.Label, l.Url))) })],
        };
    }

    /// <summary>
    /// Checks the posted rows and, when all are right, gives the settings with this list replaced. Blank rows
    /// and blank groups are skipped. Each error is keyed by the posted field's name so the form shows it beside
    /// that field; with any error nothing is returned.
    /// </summary>
    public SiteSettings? Apply(SiteSettings settings, IReadOnlyList<GroupRow?> groups, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(errors);
        var kept = new List<(string Label, string Url, List<LinkItem> Links)>();
        for (var g = 0; g < groups.Count; g++)
        {
            if (groups[g] is not { } group || group.IsBlank)
            {
                continue;
            }
            var prefix = Field(g);
            var links = new List<LinkItem>();
            for (var i = 0; i < group.Links.Count; i++)
            {
                if (group.Links[i] is { IsBlank: false } row && CheckLink(row.Label, row.Url, Field(g, i), LinkNoun, errors) is { } link)
                {
                    links.Add(link);
                }
            }
            var filled = group.Links.Count(l => l is { IsBlank: false });
            if (filled > MaxLinks)
            {
                errors[prefix + ".Links"] = Shape == LinkListShape.Flat
                    ? $"At most {MaxLinks} {LinkNoun}s: this list has {filled}. Remove {filled - MaxLinks}."
                    : $"At most {MaxLinks} {LinkNoun}s in a {GroupNoun}: this one has {filled}. Remove {filled - MaxLinks}.";
            }
            var label = (group.Label ?? "").Trim();
            var url = (group.Url ?? "").Trim();
            switch (Shape)
            {
                case LinkListShape.Menu:
                    if (CheckLink(group.Label, group.Url, prefix, GroupNoun, errors) is { } top)
                    {
                        (label, url) = (top.Label, top.Url);
                    }
                    break;
                case LinkListShape.Groups:
                    if (Check(label, SiteLinks.MaxLabel, prefix + ".Label", "Give this group a heading, or clear its links to remove it.", errors) && filled == 0)
                    {
                        errors[prefix + ".Links"] = "Add at least one link to this group, or clear its heading to remove it.";
                    }
                    break;
            }
            kept.Add((label, url, links));
        }
        if (Shape != LinkListShape.Flat && kept.Count > MaxGroups)
        {
            errors["Groups"] = $"At most {MaxGroups} {GroupNoun}s: this has {kept.Count}. Remove {kept.Count - MaxGroups}.";
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return Shape switch
        {
            LinkListShape.Flat => settings with { TrendingTopics = [.. kept.SelectMany(k => k.Links)] },
            LinkListShape.Menu => settings with
            {
                Navigation = [.. kept.Select(k => new MenuItem(k.Label, k.Url, k.Links.Count > 0 ? [.. k.Links.Select(l => new MenuItem(l.Label, l.Url))] : null))],
            },
            _ => settings with { FooterGroups = [.. kept.Select(k => new LinkGroup(k.Label, k.Links))] },
        };
    }

    public static string Field(int group) => "Groups[" + group.ToString(CultureInfo.InvariantCulture) + "]";

    public static string Field(int group, int link) => Field(group) + ".Links[" + link.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>A label and an address, both needed; the error goes beside the field that is wrong.</summary>
    private static LinkItem? CheckLink(string? label, string? url, string prefix, string noun, IDictionary<string, string> errors)
    {
        var l = (label ?? "").Trim();
        var u = (url ?? "").Trim();
        var ok = Check(l, SiteLinks.MaxLabel, prefix + ".Label", $"Write the label readers see for this {noun}.", errors);
        if (!Check(u, SiteLinks.MaxUrl, prefix + ".Url", $"Add the address this {noun} leads to, or pick a page with Find.", errors))
        {
            ok = false;
        }
        else if (!SiteLinks.IsAllowedUrl(u))
        {
            errors[prefix + ".Url"] = "Use an address that starts with https://, http:// or / (a page of this site).";
            ok = false;
        }
        return ok ? new LinkItem(l, u) : null;
    }

    /// <summary>Not empty and not too long; otherwise the message goes beside <paramref name="field"/>.</summary>
    private static bool Check(string value, int max, string field, string whenEmpty, IDictionary<string, string> errors)
    {
        if (value.Length == 0)
        {
            errors[field] = whenEmpty;
            return false;
        }
        if (value.Length > max)
        {
            errors[field] = string.Create(CultureInfo.InvariantCulture, $"At most {max:N0} characters: this has {value.Length:N0}.");
            return false;
        }
        return true;
    }
}

/// <summary>
/// The form's buttons without script: move, remove and add rows on the posted lists and show the form again
/// (nothing is saved until Save). The script does the same in the page. Blank rows never move and are not
/// counted: each group gets one blank row back at its end, and the list one blank group.
/// </summary>
internal static class LinkListEdits
{
    /// <summary>Applies <paramref name="op"/> ("up:2", "down:0:3", "remove:1:0", "add:1", "add"); false when it names nothing.</summary>
    public static bool TryApply(LinkListKind kind, List<GroupRow> groups, string op, out string done, out string? focus)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(op);
        done = "";
        focus = null;
        var parts = op.Split(':');
        var verb = parts[0];
        var numbers = new int[parts.Length - 1];
        for (var p = 1; p < parts.Length; p++)
        {
            if (!int.TryParse(parts[p], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[p - 1]))
            {
                return false;
            }
        }
        // The row or group the button belongs to, found before blank rows are dropped (they shift positions).
        GroupRow? group = numbers.Length >= 1 && numbers[0] < groups.Count ? groups[numbers[0]] : null;
        LinkRow? row = numbers.Length == 2 && group is not null && numbers[1] < group.Links.Count ? group.Links[numbers[1]] : null;
        Tidy(kind, groups);
        switch (verb, numbers.Length)
        {
            case ("add", 0) when kind.Shape != LinkListShape.Flat:
                groups.Add(Blank(kind));
                focus = LinkListKind.Field(groups.Count - 1) + ".Label";
                done = $"A new {kind.GroupNoun} is at the end of the list.";
                return true;
            case ("add", 1) when group is not null && groups.IndexOf(group) is var g and >= 0:
                group.Links.Add(new LinkRow());
                focus = LinkListKind.Field(g, group.Links.Count - 1) + ".Label";
                done = $"A new {kind.LinkNoun} row is ready.";
                return true;
            case ("up" or "down", 1) when group is not null && groups.IndexOf(group) is var g and >= 0 && !group.IsBlank:
            {
                var to = g + (verb == "up" ? -1 : 1);
                if (to < 0 || to >= groups.Count || groups[to].IsBlank)
                {
                    return false;
                }
                groups.RemoveAt(g);
                groups.Insert(to, group);
                focus = LinkListKind.Field(to) + ".Label";
                done = $"{Name(group.Label, kind.GroupNoun)} moved to position {to + 1} of {groups.Count(x => !x.IsBlank)}. Not saved yet.";
                return true;
            }
            case ("up" or "down", 2) when group is not null && row is { IsBlank: false } && groups.IndexOf(group) is var g and >= 0:
                return MoveLink(kind, groups, g, row, verb == "up", out done, out focus);
            case ("remove", 1) when group is not null && groups.Remove(group):
                done = $"{Name(group.Label, kind.GroupNoun)} removed. Not saved yet.";
                Tidy(kind, groups);
                return true;
            case ("remove", 2) when group is not null && row is not null && group.Links.Remove(row):
                done = $"{Name(row.Label, kind.LinkNoun)} removed. Not saved yet.";
                Tidy(kind, groups);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Drops blank rows and groups, then gives each group one blank row and the list one blank group to fill in.</summary>
    public static void Tidy(LinkListKind kind, List<GroupRow> groups)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(groups);
        groups.RemoveAll(g => g is null || (g.IsBlank && kind.Shape != LinkListShape.Flat));
        if (kind.Shape == LinkListShape.Flat && groups.Count == 0)
        {
            groups.Add(new GroupRow());
        }
        foreach (var group in groups)
        {
            group.Links.RemoveAll(l => l is null || l.IsBlank);
            group.Links.Add(new LinkRow());
        }
        if (kind.Shape != LinkListShape.Flat)
        {
            groups.Add(Blank(kind));
        }
    }

    private static GroupRow Blank(LinkListKind kind) => new() { Links = kind.Shape == LinkListShape.Flat ? [] : [new LinkRow()] };

    /// <summary>One place up or down; past the first or last link of a group it goes to the end of the group before, or the start of the one after.</summary>
    private static bool MoveLink(LinkListKind kind, List<GroupRow> groups, int g, LinkRow row, bool up, out string done, out string? focus)
    {
        done = "";
        focus = null;
        var links = groups[g].Links;
        var i = links.IndexOf(row);
        var filled = links.Count(l => !l.IsBlank);
        int toGroup = g, toIndex;
        if (up ? i > 0 : i < filled - 1)
        {
            toIndex = i + (up ? -1 : 1);
        }
        else
        {
            toGroup = g + (up ? -1 : 1);
            if (kind.Shape == LinkListShape.Flat || toGroup < 0 || toGroup >= groups.Count || groups[toGroup].IsBlank)
            {
                return false;
            }
            toIndex = up ? groups[toGroup].Links.Count(l => !l.IsBlank) : 0;
        }
        links.Remove(row);
        groups[toGroup].Links.Insert(toIndex, row);
        var target = groups[toGroup];
        var count = target.Links.Count(l => !l.IsBlank);
        var where = kind.Shape == LinkListShape.Flat ? "" : $" in {Name(target.Label, kind.GroupNoun)}";
        done = $"{Name(row.Label, kind.LinkNoun)} moved to position {toIndex + 1} of {count}{where}. Not saved yet.";
        focus = LinkListKind.Field(toGroup, toIndex) + ".Label";
        return true;
    }

    private static string Name(string? label, string noun) =>
        string.IsNullOrWhiteSpace(label) ? "The " + noun : "“" + label.Trim() + "”";
}
