using System.Globalization;
using System.Text;

namespace Byline.Api;

/// <summary>
/// A position in a keyset-ordered list: the sort it belongs to and the last row's key (a time and an
/// id). Opaque to clients (base64url); a cursor that does not parse, or belongs to another sort, is
/// refused with <c>invalid_cursor</c> rather than silently restarting the list.
/// </summary>
public readonly record struct ApiCursor(char Sort, long Key, long Id)
{
    private const int MaxLength = 96;

    public string Encode() =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Sort}.{Key}.{Id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public DateTime KeyTime => new(Key, DateTimeKind.Utc);

    public static ApiCursor At(char sort, DateTime time, long id) => new(sort, time.Ticks, id);

    /// <summary>Null for an absent cursor; throws <see cref="ApiRefusalException"/> for one that is not ours or is of another sort.</summary>
    public static ApiCursor? Parse(string? raw, char sort, string parameter = "cursor")
    {
        if (raw is null)
        {
            return null;
        }
        if (TryDecode(raw, out var cursor) && cursor.Sort == sort)
        {
            return cursor;
        }
        throw new ApiRefusalException(ApiProblems.BadRequest(ApiProblems.InvalidCursor, "The cursor is not valid for this list.", parameter));
    }

    private static bool TryDecode(string raw, out ApiCursor cursor)
    {
        cursor = default;
        if (raw.Length is 0 or > MaxLength)
        {
            return false;
        }
        var b64 = raw.Replace('-', '+').Replace('_', '/');
        b64 += new string('=', (4 - (b64.Length % 4)) % 4);
        var bytes = new byte[b64.Length];
        if (!Convert.TryFromBase64String(b64, bytes, out var n))
        {
            return false;
        }
        var parts = Encoding.ASCII.GetString(bytes, 0, n).Split('.');
        if (parts.Length != 3 || parts[0].Length != 1
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var key)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || key > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        cursor = new ApiCursor(parts[0][0], key, id);
        return true;
    }
}
