namespace Byline.Importing;

/// <summary>An attachment as the first pass saw it: enough to import its picture and redirect its old addresses.</summary>
public sealed record WxrAttachment(string Id, string Url, string Title, string Caption, string Alt, string Link, string Parent);

/// <summary>
/// The first, read-only pass over the export: the site, its people and terms, its attachments, and how
/// many items there are. It reads the whole file, so a malformed, truncated or hostile file fails here,
/// before anything is written.
/// </summary>
internal sealed class WordPressScan
{
    public WxrSite Site { get; private set; } = new("", "", "", "");
    public List<WxrAuthor> Authors { get; } = [];
    public List<WxrTerm> Categories { get; } = [];
    public List<WxrTerm> Tags { get; } = [];
    public Dictionary<string, WxrAttachment> Attachments { get; } = new(StringComparer.Ordinal);
    /// <summary>Posts and pages to import (any status): the progress bar's total.</summary>
    public int Items { get; private set; }
    public int Comments { get; private set; }
    /// <summary>Pages whose slug is not one of Byline's static pages: they become stories in a Pages section.</summary>
    public int PagesAsStories { get; private set; }
    /// <summary>Posts with no category, which go to the default section.</summary>
    public int Uncategorised { get; private set; }

    public static WordPressScan Read(Stream stream, int maxItemChars)
    {
        var scan = new WordPressScan();
        var categories = new HashSet<string>(StringComparer.Ordinal);
        var tags = new HashSet<string>(StringComparer.Ordinal);
        var logins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in WxrReader.Read(stream, maxItemChars))
        {
            switch (part)
            {
                case WxrSite site:
                    scan.Site = site;
                    break;
                case WxrAuthor author when author.Login.Length > 0 && logins.Add(author.Login):
                    scan.Authors.Add(author);
                    break;
                case WxrTerm { IsCategory: true } term when term.Slug.Length > 0 && categories.Add(term.Slug):
                    scan.Categories.Add(term);
                    break;
                case WxrTerm { IsCategory: false } term when term.Slug.Length > 0 && tags.Add(term.Slug):
                    scan.Tags.Add(term);
                    break;
                case WxrItem item:
                    scan.Comments += item.Comments;
                    if (item.Type == "attachment")
                    {
                        scan.Attachments.TryAdd(item.Id, new WxrAttachment(item.Id, item.AttachmentUrl, item.Title, WordPressMapping.PlainText(item.Excerpt),
                            item.MetaValue("_wp_attachment_image_alt") ?? "", item.Link, item.Parent));
                        break;
                    }
                    if (item.Type is not ("post" or "page"))
                    {
                        break;
                    }
                    scan.Items++;
                    if (item.Type == "page" && !Byline.Site.Chrome.StaticPageSlugs.Titles.ContainsKey(item.Name))
                    {
                        scan.PagesAsStories++;
                    }
                    if (item.Type == "post" && !item.Terms.Any(t => t.Domain == "category"))
                    {
                        scan.Uncategorised++;
                    }
                    // Terms and authors an item names but the header does not declare are created too.
                    foreach (var t in item.Terms)
                    {
                        if (t.Domain == "category" && t.Slug.Length > 0 && categories.Add(t.Slug))
                        {
                            scan.Categories.Add(new WxrTerm(true, "", t.Slug, t.Name, "", ""));
                        }
                        else if (t.Domain == "post_tag" && t.Slug.Length > 0 && tags.Add(t.Slug))
                        {
                            scan.Tags.Add(new WxrTerm(false, "", t.Slug, t.Name, "", ""));
                        }
                    }
                    if (item.Creator.Length > 0 && logins.Add(item.Creator))
                    {
                        scan.Authors.Add(new WxrAuthor("", item.Creator, item.Creator, "", ""));
                    }
                    break;
            }
        }
        return scan;
    }
}
