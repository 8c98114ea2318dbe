using System.Security.Claims;
using Byline.Content;
using Byline.Newsroom;
using Byline.Storage;

namespace Byline.Publishing;

/// <summary>Who is writing: the signed-in account, or the scheduler. The workflow rules read only this.</summary>
public sealed record Actor(int? UserId, string Name, bool IsEditor, ClaimsPrincipal Principal)
{
    public static Actor From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var n) ? n : (int?)null;
        return new Actor(id, user.Identity?.Name ?? "", user.IsInRole(Roles.Editor) || user.IsInRole(Roles.Admin), user);
    }

    /// <summary>The scheduled publisher: acts as an editor, recorded by this name.</summary>
    public static Actor Scheduler { get; } = new(null, "scheduler", true,
        new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "scheduler")], "system")));

    /// <summary>
    /// Contributors write and revise their own stories until an editor takes them on (draft or in
    /// review); editors may edit anything.
    /// </summary>
    public bool CanEdit(Article article)
    {
        ArgumentNullException.ThrowIfNull(article);
        return IsEditor || (UserId is not null && article.CreatedById == UserId &&
                            article.Status is ArticleStatus.Draft or ArticleStatus.InReview);
    }

    /// <summary>Publishing, scheduling, unpublishing and returning a story to draft belong to editors.</summary>
    public bool CanPerform(StoryAction action) => IsEditor || action is StoryAction.Save or StoryAction.Autosave or StoryAction.Submit or StoryAction.Restore;
}
