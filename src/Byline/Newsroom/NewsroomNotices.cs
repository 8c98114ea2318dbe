namespace Byline.Newsroom;

/// <summary>Something admins must act on, shown at the top of every newsroom page until it is dealt with.</summary>
public sealed record NewsroomNotice(string Code, string Text, string Href);

/// <summary>
/// A feature that needs admins' attention (webhooks switched off after failures) implements this; the
/// newsroom layout asks every implementation on each admin page. A seam so the newsroom need not know
/// the features above it.
/// </summary>
public interface INewsroomNotices
{
    Task<IReadOnlyList<NewsroomNotice>> ForAdminsAsync(CancellationToken ct);
}

/// <summary>
/// Warnings for the dashboard, seen by every newsroom role (a wire source gone silent, a killed agency item
/// that a draft was made from). A seam so the dashboard need not know the features above it.
/// </summary>
public interface IDashboardNotices
{
    Task<IReadOnlyList<NewsroomNotice>> ForDashboardAsync(CancellationToken ct);
}
