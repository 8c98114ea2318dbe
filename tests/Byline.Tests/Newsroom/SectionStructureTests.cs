using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using Byline.Content;
using Byline.Events;
using Byline.Newsroom;
using Byline.Storage;
using Byline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace Byline.Tests.Newsroom;

/// <summary>
/// Sections moved, merged and deleted in the newsroom: what moves, what old addresses answer (asked
/// through the test host without following redirects), and what is refused; and the paged, searchable
/// tag and author lists.
/// </summary>
public abstract class SectionStructureTests(BylineApp app)
{
    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Fields(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Waits until <paramref name="old"/> answers 301, then checks where it points (path and query).</summary>
    private async Task AssertMovedAsync(string old, string expected)
    {
        using var reader = NewsroomClient.Anonymous(app);
        var location = await Poll.UntilAsync(async () =>
        {
            using var response = await reader.GetAsync(old);
            return response.StatusCode == HttpStatusCode.MovedPermanently ? response.Headers.Location!.OriginalString : $"{(int)response.StatusCode}";
        }, l => l.StartsWith('/') || l.StartsWith("http", StringComparison.Ordinal), $"{old} answers 301");
        var uri = new Uri(new Uri("http://localhost"), location);
        Assert.Equal(expected, uri.PathAndQuery);
    }

    private static async Task<HttpResponseMessage> ConfirmAsync(NewsroomClient editor, HttpResponseMessage asked, string handler)
    {
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var page = await NewsroomClient.ParseAsync(asked);
        var form = (IHtmlFormElement)page.One($"form[data-form=confirm-{handler}]");
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)).Select(i => new KeyValuePair<string, string>(i.Name!, i.Value)).ToList();
        return await editor.PostAsync(form.GetAttribute("action")!, fields);
    }

    [DatabaseFact]
    public async Task Moving_a_sub_section_to_another_parent_redirects_its_front_pages_feeds_and_stories()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var oldParent = await app.Content.SectionAsync();
        var newParent = await app.Content.SectionAsync();
        var sub = await app.Content.SectionAsync(oldParent);
        var story = await app.Content.StoryAsync(sub);
        var events = await app.OutboxHeadAsync();

        using var response = await editor.SubmitAsync("/newsroom/sections", Fields(("MoveId", Id(sub.Id)), ("MoveParentId", Id(newParent.Id))), "form[data-form=move-section]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var moved = await app.WithDbAsync(db => db.Sections.SingleAsync(s => s.Id == sub.Id));
        Assert.Equal(newParent.Id, moved.ParentId);
        Assert.Equal(newParent.Id, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).Select(a => a.TopSectionId).SingleAsync()));
        await AssertMovedAsync($"/{oldParent.Slug}/{sub.Slug}", $"/{newParent.Slug}/{sub.Slug}");
        await AssertMovedAsync($"/{oldParent.Slug}/{sub.Slug}?page=2", $"/{newParent.Slug}/{sub.Slug}?page=2");
        await AssertMovedAsync($"/{oldParent.Slug}/{sub.Slug}/rss.xml", $"/{newParent.Slug}/{sub.Slug}/rss.xml");
        await AssertMovedAsync($"/{oldParent.Slug}/{sub.Slug}/atom.xml", $"/{newParent.Slug}/{sub.Slug}/atom.xml");
        await AssertMovedAsync(story.Path, $"/{newParent.Slug}/{story.Slug}-{Id(story.Id)}");
        using (var front = await app.GetAsync($"/{newParent.Slug}/{sub.Slug}"))
        {
            Assert.Equal(HttpStatusCode.OK, front.StatusCode);
        }
        Assert.Contains(await app.EventsSinceAsync(events), e => e.Keys.Contains(ContentKeys.Section(sub.Id)) && e.Keys.Contains(ContentKeys.Section(newParent.Id))
            && e.Keys.Contains(ContentKeys.Section(oldParent.Id)) && e.Keys.Contains(ContentKeys.Article(story.Id)));
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SectionSaved && e.EntityId == Id(sub.Id) && e.Details.Contains("moved"))));
    }

    [DatabaseFact]
    public async Task A_top_level_section_moved_under_another_answers_at_its_new_address()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var parent = await app.Content.SectionAsync();
        var section = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(section);

        using var response = await editor.SubmitAsync("/newsroom/sections", Fields(("MoveId", Id(section.Id)), ("MoveParentId", Id(parent.Id))), "form[data-form=move-section]");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await AssertMovedAsync($"/{section.Slug}", $"/{parent.Slug}/{section.Slug}");
        await AssertMovedAsync($"/{section.Slug}/rss.xml", $"/{parent.Slug}/{section.Slug}/rss.xml");
        await AssertMovedAsync(story.Path, $"/{parent.Slug}/{story.Slug}-{Id(story.Id)}");

        // And back to the top level: the old redirect from its top-level address must not loop.
        using var back = await editor.SubmitAsync("/newsroom/sections", Fields(("MoveId", Id(section.Id)), ("MoveParentId", "0")), "form[data-form=move-section]");
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        await AssertMovedAsync($"/{parent.Slug}/{section.Slug}", $"/{section.Slug}");
        await Poll.UntilAsync(async () =>
        {
            using var front = await app.GetAsync($"/{section.Slug}");
            return front.StatusCode == HttpStatusCode.OK;
        }, "the section answers at its top-level address again");
    }

    [DatabaseFact]
    public async Task Merging_asks_first_then_moves_stories_and_sub_sections_and_redirects_every_old_address()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var from = await app.Content.SectionAsync();
        var child = await app.Content.SectionAsync(from);
        var into = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(from);
        var childStory = await app.Content.StoryAsync(child);
        var draft = await app.Content.StoryAsync(from, new StorySpec { Status = ArticleStatus.Draft });

        using var asked = await editor.SubmitAsync("/newsroom/sections", Fields(("MergeId", Id(from.Id)), ("MergeIntoId", Id(into.Id))), "form[data-form=merge-section]");
        // Nothing changes until the editor confirms.
        Assert.True(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == from.Id)));
        using var merged = await ConfirmAsync(editor, asked, "merge");

        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == from.Id)));
        Assert.Equal(into.Id, await app.WithDbAsync(db => db.Sections.Where(s => s.Id == child.Id).Select(s => s.ParentId).SingleAsync()));
        var rows = await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id || a.Id == childStory.Id || a.Id == draft.Id)
            .Select(a => new { a.Id, a.SectionId, a.TopSectionId }).ToListAsync());
        Assert.All(rows, r => Assert.Equal(into.Id, r.TopSectionId));
        Assert.Equal(into.Id, rows.Single(r => r.Id == story.Id).SectionId);
        Assert.Equal(into.Id, rows.Single(r => r.Id == draft.Id).SectionId);
        Assert.Equal(child.Id, rows.Single(r => r.Id == childStory.Id).SectionId);
        await AssertMovedAsync($"/{from.Slug}", $"/{into.Slug}");
        await AssertMovedAsync($"/{from.Slug}?page=3", $"/{into.Slug}?page=3");
        await AssertMovedAsync($"/{from.Slug}/rss.xml", $"/{into.Slug}/rss.xml");
        await AssertMovedAsync($"/{from.Slug}/atom.xml", $"/{into.Slug}/atom.xml");
        await AssertMovedAsync($"/{from.Slug}/{child.Slug}", $"/{into.Slug}/{child.Slug}");
        await AssertMovedAsync(story.Path, $"/{into.Slug}/{story.Slug}-{Id(story.Id)}");
        await AssertMovedAsync(childStory.Path, $"/{into.Slug}/{childStory.Slug}-{Id(childStory.Id)}");
        var page = await app.PageAsync($"/{into.Slug}");
        Assert.Contains($"/{into.Slug}/{story.Slug}-{Id(story.Id)}", page.StoryLinks());
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SectionSaved && e.EntityId == Id(from.Id) && e.Details.Contains("merged"))));
    }

    [DatabaseFact]
    public async Task Deleting_a_section_with_stories_needs_a_destination_then_reassigns_them_and_redirects()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var parent = await app.Content.SectionAsync();
        var doomed = await app.Content.SectionAsync(parent);
        var destination = await app.Content.SectionAsync();
        var story = await app.Content.StoryAsync(doomed);

        using (var refused = await editor.SubmitAsync("/newsroom/sections", Fields(("DeleteId", Id(doomed.Id)), ("DeleteIntoId", "")), "form[data-form=delete-section]"))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var page = await NewsroomClient.ParseAsync(refused);
            Assert.NotEmpty(page.One("form[data-form=delete-section] [data-error-for=DeleteIntoId]").TextContent.Trim());
            Assert.Equal(Id(doomed.Id), ((IHtmlSelectElement)page.One("form[data-form=delete-section] select[name=DeleteId]")).Value);
            Assert.Null(page.QuerySelector("[data-confirm]"));
        }
        Assert.True(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == doomed.Id)));

        using var asked = await editor.SubmitAsync("/newsroom/sections", Fields(("DeleteId", Id(doomed.Id)), ("DeleteIntoId", Id(destination.Id))), "form[data-form=delete-section]");
        using var deleted = await ConfirmAsync(editor, asked, "delete");

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == doomed.Id)));
        Assert.Equal(destination.Id, await app.WithDbAsync(db => db.Articles.Where(a => a.Id == story.Id).Select(a => a.SectionId).SingleAsync()));
        await AssertMovedAsync($"/{parent.Slug}/{doomed.Slug}", $"/{destination.Slug}");
        await AssertMovedAsync($"/{parent.Slug}/{doomed.Slug}/rss.xml", $"/{destination.Slug}/rss.xml");
        await AssertMovedAsync(story.Path, $"/{destination.Slug}/{story.Slug}-{Id(story.Id)}");
    }

    [DatabaseFact]
    public async Task An_empty_section_is_deleted_without_a_destination()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var empty = await app.Content.SectionAsync();

        using var asked = await editor.SubmitAsync("/newsroom/sections", Fields(("DeleteId", Id(empty.Id))), "form[data-form=delete-section]");
        using var deleted = await ConfirmAsync(editor, asked, "delete");

        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == empty.Id)));
        await Poll.UntilAsync(async () =>
        {
            using var front = await app.GetAsync($"/{empty.Slug}");
            return front.StatusCode == HttpStatusCode.NotFound;
        }, "the deleted section's address stops answering");
    }

    public enum Refusal { UnderItsOwnSubSection, UnderItself, WithSubSectionsUnderAnother, UnderASubSection, MergeIntoItself, MergeIntoItsSubSection, DeleteWithSubSections }

    [DatabaseTheory]
    [InlineData(Refusal.UnderItsOwnSubSection, "move-section", "MoveParentId")]
    [InlineData(Refusal.UnderItself, "move-section", "MoveParentId")]
    [InlineData(Refusal.WithSubSectionsUnderAnother, "move-section", "MoveParentId")]
    [InlineData(Refusal.UnderASubSection, "move-section", "MoveParentId")]
    [InlineData(Refusal.MergeIntoItself, "merge-section", "MergeIntoId")]
    [InlineData(Refusal.MergeIntoItsSubSection, "merge-section", "MergeIntoId")]
    [InlineData(Refusal.DeleteWithSubSections, "delete-section", "DeleteId")]
    public async Task A_change_that_would_break_the_tree_is_refused_beside_the_field_with_the_choice_kept(Refusal refusal, string form, string field)
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var top = await app.Content.SectionAsync();
        var child = await app.Content.SectionAsync(top);
        var other = await app.Content.SectionAsync();
        var otherChild = await app.Content.SectionAsync(other);
        var fields = refusal switch
        {
            Refusal.UnderItsOwnSubSection => Fields(("MoveId", Id(top.Id)), ("MoveParentId", Id(child.Id))),
            Refusal.UnderItself => Fields(("MoveId", Id(other.Id)), ("MoveParentId", Id(other.Id))),
            Refusal.WithSubSectionsUnderAnother => Fields(("MoveId", Id(top.Id)), ("MoveParentId", Id(other.Id))),
            Refusal.UnderASubSection => Fields(("MoveId", Id(child.Id)), ("MoveParentId", Id(otherChild.Id))),
            Refusal.MergeIntoItself => Fields(("MergeId", Id(top.Id)), ("MergeIntoId", Id(top.Id))),
            Refusal.MergeIntoItsSubSection => Fields(("MergeId", Id(top.Id)), ("MergeIntoId", Id(child.Id))),
            _ => Fields(("DeleteId", Id(top.Id)), ("DeleteIntoId", Id(other.Id))),
        };
        var before = await app.WithDbAsync(db => db.Sections.AsNoTracking().Where(s => s.Id == top.Id || s.Id == child.Id || s.Id == other.Id)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.ParentId }).ToListAsync());

        using var response = await editor.SubmitAsync("/newsroom/sections", fields, $"form[data-form={form}]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await NewsroomClient.ParseAsync(response);
        Assert.NotEmpty(page.One($"form[data-form={form}] [data-error-for={field}]").TextContent.Trim());
        foreach (var (name, value) in fields)
        {
            // A sub-section is never offered as a parent; a crafted one cannot be shown as chosen.
            var select = (IHtmlSelectElement)page.One($"form[data-form={form}] select[name={name}]");
            if (select.Options.Any(o => o.Value == value))
            {
                Assert.Equal(value, select.Value);
            }
        }
        Assert.Null(page.QuerySelector("[data-confirm]"));
        var after = await app.WithDbAsync(db => db.Sections.AsNoTracking().Where(s => s.Id == top.Id || s.Id == child.Id || s.Id == other.Id)
            .OrderBy(s => s.Id).Select(s => new { s.Id, s.ParentId }).ToListAsync());
        Assert.Equal(before, after);
    }

    [DatabaseFact]
    public async Task A_contributor_cannot_merge_sections()
    {
        var contributor = await NewsroomClient.ForRoleAsync(app, Roles.Contributor);
        var from = await app.Content.SectionAsync();
        var into = await app.Content.SectionAsync();
        var token = await contributor.TokenAsync();

        using var response = await contributor.PostAsync("/newsroom/sections?handler=Merge",
            [new("MergeId", Id(from.Id)), new("MergeIntoId", Id(into.Id)), new("Confirmed", "true"), new(NewsroomClient.TokenField, token)]);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Sections.AnyAsync(s => s.Id == from.Id)));
    }

    [DatabaseFact]
    public async Task The_tag_list_pages_and_searches_with_the_search_kept_in_its_page_links()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var prefix = TestContent.Unique("pg");
        await app.WithDbAsync(async db =>
        {
            db.Tags.AddRange(Enumerable.Range(0, 60).Select(i => new Tag { Slug = $"{prefix}-{i:00}", Name = $"Paged {prefix} {i:00}" }));
            return await db.SaveChangesAsync();
        });

        var first = await editor.PageAsync($"/newsroom/tags?q={prefix.ToUpperInvariant()}");
        Assert.Equal(50, first.Some("[data-tags] tr[data-tag]").Length);
        Assert.Contains("60", first.One("[data-list-count]").TextContent, StringComparison.Ordinal);
        var next = first.One("[data-pager] a[rel=next]").GetAttribute("href")!;
        Assert.Contains("q=" + Uri.EscapeDataString(prefix.ToUpperInvariant()), next, StringComparison.Ordinal);
        Assert.Contains("page=2", next, StringComparison.Ordinal);

        var second = await editor.PageAsync(next);
        var slugs = second.Some("[data-tags] tr[data-tag]").Select(r => r.GetAttribute("data-tag")).ToList();
        Assert.Equal(Enumerable.Range(50, 10).Select(i => $"{prefix}-{i:00}"), slugs);
        Assert.Null(second.QuerySelector("[data-pager] a[rel=next]"));
        Assert.NotNull(second.QuerySelector("[data-pager] a[rel=prev]"));

        var none = await editor.PageAsync($"/newsroom/tags?q={TestContent.Unique("nothing")}");
        Assert.Empty(none.QuerySelectorAll("[data-tags] tr[data-tag]"));
        none.One("[data-empty]");
        // A page past the end shows the last one rather than an empty list.
        var past = await editor.PageAsync($"/newsroom/tags?q={prefix}&page=99");
        Assert.Equal(10, past.Some("[data-tags] tr[data-tag]").Length);
    }

    [DatabaseFact]
    public async Task The_author_list_pages_and_searches()
    {
        var editor = await NewsroomClient.ForRoleAsync(app, Roles.Editor);
        var prefix = TestContent.Unique("au");
        await app.WithDbAsync(async db =>
        {
            db.Authors.AddRange(Enumerable.Range(0, 55).Select(i => new Author { Slug = $"{prefix}-{i:00}", Name = $"Writer {prefix} {i:00}" }));
            return await db.SaveChangesAsync();
        });

        var first = await editor.PageAsync($"/newsroom/authors?q={prefix}");
        Assert.Equal(50, first.Some("[data-authors] li[data-author]").Length);
        Assert.Contains("55", first.One("[data-list-count]").TextContent, StringComparison.Ordinal);
        var second = await editor.PageAsync(first.One("[data-pager] a[rel=next]").GetAttribute("href")!);
        Assert.Equal(5, second.Some("[data-authors] li[data-author]").Length);
    }
}

public sealed class SectionStructureTestsOnSqlite(SqliteApp app) : SectionStructureTests(app), IClassFixture<SqliteApp>;

public sealed class SectionStructureTestsOnPostgres(PostgresApp app) : SectionStructureTests(app), IClassFixture<PostgresApp>;
