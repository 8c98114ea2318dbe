using System.Security.Claims;

namespace Byline.Site;

/// <summary>
/// Whether a signed-in newsroom account may preview a story on the reader pages. The newsroom owns the
/// rule (contributors see their own, published and shared stories) and registers the implementation;
/// the site only asks, so it does not depend on the newsroom.
/// </summary>
public interface IPreviewAccess
{
    Task<bool> CanSeeAsync(int storyId, ClaimsPrincipal user, CancellationToken ct);
}
