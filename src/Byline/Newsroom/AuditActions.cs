namespace Byline.Newsroom;

/// <summary>The action names written to the audit trail; the audit page filters on them.</summary>
public static class AuditActions
{
    public const string SignIn = "signin";
    public const string SignInFailed = "signin.failed";
    public const string SignInLockedOut = "signin.lockedout";
    public const string SignInRefused = "signin.refused";
    public const string SignInLink = "signin.link";
    public const string SignOut = "signout";
    public const string EventRetried = "events.retried";
    public const string EventSkipped = "events.skipped";
    public const string PasswordSet = "user.password";
    public const string UserCreated = "user.created";
    public const string UserRole = "user.role";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserLink = "user.link";
    public const string UserUnlocked = "user.unlocked";
    public const string StoryShared = "story.shared";
    public const string StoryUnshared = "story.unshared";
    public const string StoryTakenOver = "story.takeover";
    public const string StoryAssigned = "story.assigned";
    public const string SettingsSaved = "settings.saved";
    public const string CurationSaved = "curation.saved";
    public const string SectionSaved = "section.saved";
    public const string TagSaved = "tag.saved";
    public const string AuthorSaved = "author.saved";
    public const string PageSaved = "page.saved";
    public const string RedirectSaved = "redirect.saved";
    public const string RedirectDeleted = "redirect.deleted";

    /// <summary>Every action the newsroom writes, for the audit page's filter list (so a filter exists before its first entry).</summary>
    public static readonly string[] Known =
    [
        SignIn, SignInFailed, SignInLockedOut, SignInRefused, SignInLink, SignOut, PasswordSet,
        UserCreated, UserRole, UserDisabled, UserEnabled, UserLink, UserUnlocked, StoryShared, StoryUnshared, StoryTakenOver, StoryAssigned,
        SettingsSaved, CurationSaved, SectionSaved, TagSaved, AuthorSaved, PageSaved, RedirectSaved, RedirectDeleted,
        Publishing.StoryAuditActions.Created,
        .. Enum.GetValues<Publishing.StoryAction>().Where(a => a != Publishing.StoryAction.Autosave).Select(Publishing.StoryAuditActions.Of),
        .. LiveDesk.LiveBlogAuditActions.All,
        Shows.ShowAuditActions.ShowSaved, Shows.ShowAuditActions.ShowDeleted, Shows.ShowAuditActions.VideoUploaded,
    ];
}
