using System.Globalization;
using System.Text;

namespace Byline.Tests.Importing;

/// <summary>One item of a generated export.</summary>
internal sealed record WxrPost(int Id, string Title, string Body)
{
    public string Type { get; init; } = "post";
    public string Status { get; init; } = "publish";
    public string? Name { get; init; }
    public DateTime Date { get; init; } = new(2024, 3, 1, 9, 30, 0, DateTimeKind.Utc);
    public string Creator { get; init; } = "jane";
    public string Excerpt { get; init; } = "";
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();
    public int Comments { get; init; }
    public string Password { get; init; } = "";
    public string? AttachmentUrl { get; init; }
    public string? Link { get; init; }
    public string Slug => Name ?? $"post-{Id.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Writes a WordPress export the way WordPress's own exporter lays it out (channel header, authors,
/// categories with parents, tags, items with postmeta and comments), for a site of its own per test.
/// </summary>
internal sealed class Wxr
{
    public Wxr(string? host = null)
    {
        Host = host ?? $"site-{Guid.NewGuid():N}"[..17] + ".example";
    }

    public string Host { get; }
    public string Site => "https://" + Host;
    public List<(string Login, string Name)> Authors { get; } = [("jane", "Jane Reporter"), ("sam", "Sam Writer")];
    public List<(int Id, string Slug, string Name, string Parent)> Categories { get; } = [];
    public List<(int Id, string Slug, string Name)> Tags { get; } = [];
    public List<WxrPost> Posts { get; } = [];

    public string Link(WxrPost post)
    {
        ArgumentNullException.ThrowIfNull(post);
        return post.Link ?? (post.Type == "page" ? $"{Site}/{post.Slug}/" : $"{Site}/{post.Date:yyyy'/'MM'/'dd}/{post.Slug}/");
    }

    private static string CData(string s) => "<![CDATA[" + s.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal) + "]]>";

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("""
            <?xml version="1.0" encoding="UTF-8" ?>
            <rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
            <channel>
            """).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"<title>Old Site</title>\n<link>{Site}</link>\n<description>An old site</description>\n<wp:wxr_version>1.2</wp:wxr_version>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<wp:base_site_url>{Site}</wp:base_site_url>\n<wp:base_blog_url>{Site}</wp:base_blog_url>\n");
        var n = 1;
        foreach (var (login, name) in Authors)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<wp:author><wp:author_id>{n++}</wp:author_id><wp:author_login>{CData(login)}</wp:author_login><wp:author_email>{CData(login + "@example.org")}</wp:author_email><wp:author_display_name>{CData(name)}</wp:author_display_name><wp:author_first_name>{CData("")}</wp:author_first_name><wp:author_last_name>{CData("")}</wp:author_last_name></wp:author>\n");
        }
        foreach (var (id, slug, name, parent) in Categories)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<wp:category><wp:term_id>{id}</wp:term_id><wp:category_nicename>{CData(slug)}</wp:category_nicename><wp:category_parent>{CData(parent)}</wp:category_parent><wp:cat_name>{CData(name)}</wp:cat_name></wp:category>\n");
        }
        foreach (var (id, slug, name) in Tags)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<wp:tag><wp:term_id>{id}</wp:term_id><wp:tag_slug>{CData(slug)}</wp:tag_slug><wp:tag_name>{CData(name)}</wp:tag_name></wp:tag>\n");
        }
        foreach (var p in Posts)
        {
            var date = p.Date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            sb.Append("<item>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<title>{CData(p.Title)}</title>\n<link>{Link(p)}</link>\n<dc:creator>{CData(p.Creator)}</dc:creator>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<guid isPermaLink=\"false\">{Site}/?p={p.Id}</guid>\n<description></description>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<content:encoded>{CData(p.Body)}</content:encoded>\n<excerpt:encoded>{CData(p.Excerpt)}</excerpt:encoded>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<wp:post_id>{p.Id}</wp:post_id>\n<wp:post_date>{CData(date)}</wp:post_date>\n<wp:post_date_gmt>{CData(p.Status == "draft" ? "0000-00-00 00:00:00" : date)}</wp:post_date_gmt>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<wp:post_modified_gmt>{CData(date)}</wp:post_modified_gmt>\n<wp:post_name>{CData(p.Slug)}</wp:post_name>\n<wp:status>{CData(p.Status)}</wp:status>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<wp:post_parent>0</wp:post_parent>\n<wp:post_type>{CData(p.Type)}</wp:post_type>\n<wp:post_password>{CData(p.Password)}</wp:post_password>\n");
            if (p.AttachmentUrl is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<wp:attachment_url>{CData(p.AttachmentUrl)}</wp:attachment_url>\n");
            }
            foreach (var c in p.Categories)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<category domain=\"category\" nicename=\"{c}\">{CData(c)}</category>\n");
            }
            foreach (var t in p.Tags)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<category domain=\"post_tag\" nicename=\"{t}\">{CData(t)}</category>\n");
            }
            foreach (var (key, value) in p.Meta)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<wp:postmeta><wp:meta_key>{CData(key)}</wp:meta_key><wp:meta_value>{CData(value)}</wp:meta_value></wp:postmeta>\n");
            }
            for (var c = 0; c < p.Comments; c++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<wp:comment><wp:comment_id>{p.Id * 100 + c}</wp:comment_id><wp:comment_content>{CData("A reader's comment")}</wp:comment_content></wp:comment>\n");
            }
            sb.Append("</item>\n");
        }
        sb.Append("</channel>\n</rss>\n");
        return sb.ToString();
    }

    public string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"export-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, ToString(), new UTF8Encoding(false));
        return path;
    }
}
