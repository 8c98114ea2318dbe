using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Byline.Content;

/// <summary>
/// The site settings document, held in memory after start-up (every page reads it) and written
/// through to the database. <see cref="Changed"/> lets caches drop what showed the old settings.
/// </summary>
public sealed class SiteSettingsStore(IServiceScopeFactory scopes)
{
    public const string Key = "site";
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    private volatile SiteSettings _current = new();
    private volatile Dateline _dateline = new(new SiteSettings().TimeZone);

    public SiteSettings Current => _current;
    public Dateline Dateline => _dateline;

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbContext>();
        var doc = await db.Set<SettingDocument>().AsNoTracking().FirstOrDefaultAsync(s => s.Key == Key, ct);
        Apply(doc is null ? new SiteSettings() : JsonSerializer.Deserialize<SiteSettings>(doc.Json, Json) ?? new SiteSettings());
    }

    public async Task SaveAsync(SiteSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DbContext>();
        await WriteAsync(db, settings, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
        Apply(settings);
    }

    /// <summary>Writes the document in the caller's context (used by the seeder inside its own transaction).</summary>
    public static async Task WriteAsync(DbContext db, SiteSettings settings, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var json = JsonSerializer.Serialize(settings, Json);
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Set<SettingDocument>().Where(s => s.Key == Key)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Json, json).SetProperty(s => s.UpdatedAt, now), ct);
        if (updated == 0)
        {
            db.Set<SettingDocument>().Add(new SettingDocument { Key = Key, Json = json, UpdatedAt = now });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Holds settings already committed (by this process, or read back after another node's change).</summary>
    public void Apply(SiteSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _dateline = new Dateline(settings.TimeZone);
        _current = settings;
    }
}
