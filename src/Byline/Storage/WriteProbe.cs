namespace Byline.Storage;

/// <summary>The one row <c>DatabaseWritableHealthCheck</c> writes to prove the database takes writes.</summary>
public sealed class WriteProbe
{
    public const int OnlyId = 1;

    public int Id { get; set; }
    public DateTime CheckedAt { get; set; }
}
