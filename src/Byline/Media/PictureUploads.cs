using System.Security.Claims;
using Byline.Events;
using Byline.Storage;

namespace Byline.Media;

/// <summary>
/// One picture upload by a newsroom account, whichever door it came through (the media page, the admin
/// API): the account's daily allowance, then the library's checks (size, type from the first bytes,
/// pixel bombs) and renditions, then the quota row and the <c>media.upload</c> event saved together.
/// </summary>
public sealed class PictureUploads(BylineDb db, MediaLibrary library, UploadQuota quota, ContentEvents events)
{
    public async Task<UploadResult> UploadAsync(ClaimsPrincipal user, Stream content, long length, string alt, string caption, string credit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (await quota.CheckAsync(userId, length, ct) is { } over)
        {
            return new UploadResult(null, over);
        }
        var result = await library.UploadAsync(content, length, alt, caption, credit, ct);
        if (result.Error is not null)
        {
            return result;
        }
        quota.Record(userId, length, UploadQuota.ImageKind);
        result.Image!.UploadedBy = user.Identity?.Name;
        // The upload's event (webhooks' media.uploaded) commits with the quota row.
        await events.SaveAsync(db, new ContentChanged([ContentKeys.Image(result.Image!.Id)], "media.upload", null, user.Identity?.Name), ct);
        return result;
    }
}
