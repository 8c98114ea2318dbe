using Byline.Content;
using Byline.Newsroom;
using Byline.Publishing;
using Byline.Storage;
using Byline.Tests.Support;

namespace Byline.Tests.Newsroom;

/// <summary>Whatever the newsroom types into any field, the reader page carries no script of it.</summary>
public abstract class XssTests(BylineApp app)
{
    public static TheoryData<string> Payloads => new()
    {
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">click</a>",
        "[click](javascript:alert(1))",
        "<svg onload=alert(1)><circle r=10></circle></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "\"><script>alert(1)</script>",
        "</script><script>alert(1)</script>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "![x](javascript:alert(1))",
        "<object data=\"data:text/html,<script>alert(1)</script>\"></object>",
    };

    [DatabaseTheory]
    [MemberData(nameof(Payloads))]
    public async Task A_payload_in_every_text_field_is_inert_on_the_reader_page(string payload)
    {
        var section = await app.Content.SectionAsync();
        var image = await app.Content.ImageAsync();
        var editor = await app.UserAsync(Roles.Editor);
        var input = new StoryInput
        {
            Headline = "Headline " + payload,
            Standfirst = "Standfirst " + payload,
            BodyMarkdown = "Paragraph " + payload + "\n\n" + payload + "\n\n> quote " + payload,
            SectionId = section.Id,
            Tags = ["tag " + Guid.NewGuid().ToString("N")[..6]],
            LeadImageId = image.Id,
            LeadImageAlt = "Alt " + payload,
            LeadImageCaption = "Caption " + payload,
            LeadImageCredit = "Credit " + payload,
            Attribution = "Attribution " + payload,
            SeoTitle = "Seo " + payload,
            SeoDescription = "Description " + payload,
        };
        var (id, version) = await app.DraftAsync(editor, input);
        var published = await app.ApplyAsync(id, new StoryCommand(StoryAction.Publish, version), editor);
        Assert.Equal(PublishOutcome.Ok, published.Outcome);
        var article = await app.ArticleAsync(id);

        var page = await app.PageAsync(Slugs.ArticlePath(section.Slug, article.Slug, id));

        foreach (var script in page.QuerySelectorAll("script"))
        {
            var type = script.GetAttribute("type");
            var src = script.GetAttribute("src");
            Assert.True(type == "application/ld+json" || (src is not null && src.StartsWith('/')),
                $"an unexpected script element: {script.OuterHtml}");
            Assert.DoesNotContain("alert(", type == "application/ld+json" ? "" : script.TextContent, StringComparison.Ordinal);
        }
        foreach (var element in page.All)
        {
            foreach (var attribute in element.Attributes)
            {
                Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"an event handler: {element.OuterHtml}");
                if (attribute.Name is "href" or "src" or "data" or "action" or "style" or "srcset")
                {
                    var value = new string(attribute.Value.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)).ToArray());
                    Assert.DoesNotContain("javascript:", value, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("data:text/html", value, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
        Assert.Empty(page.QuerySelectorAll("iframe, object, embed, svg script, math"));
        var story = page.One("article.story");
        Assert.Empty(story.QuerySelectorAll("svg[onload], img[onerror]"));
    }
}

public sealed class XssOnSqlite(SqliteApp app) : XssTests(app), IClassFixture<SqliteApp>;

public sealed class XssOnPostgres(PostgresApp app) : XssTests(app), IClassFixture<PostgresApp>;
