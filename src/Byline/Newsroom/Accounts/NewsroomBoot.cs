using Byline.Hosting;
using Byline.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Byline.Newsroom.Accounts;

/// <summary>
/// Boot step: the three roles exist before the site reports ready, and the data-protection key
/// ring (kept in the database, so it needs the migrated schema) is loaded or created now rather
/// than on the first sign-in, as is the sign-in's placeholder password hash.
/// </summary>
public sealed class NewsroomBoot(IDataProtectionProvider protection, PasswordChecks passwords, ILogger<NewsroomBoot> log) : IBootStep
{
    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<BylineRole>>(), log);
        // Any protect call loads the ring (creating the first key when there is none).
        protection.CreateProtector("Byline.Boot").Protect("ready"u8.ToArray());
        passwords.MakePlaceholder();
    }

    /// <summary>Creates missing roles; the `user` verbs call it too, as they may run before the web host ever did.</summary>
    public static async Task EnsureRolesAsync(RoleManager<BylineRole> roles, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var name in Roles.All)
        {
            if (await roles.RoleExistsAsync(name))
            {
                continue;
            }
            var created = await roles.CreateAsync(new BylineRole(name));
            if (!created.Succeeded && !await roles.RoleExistsAsync(name))
            {
                throw new InvalidOperationException($"Role {name} could not be created: {string.Join(' ', created.Errors.Select(e => e.Description))}");
            }
            log.LogInformation("Created newsroom role {Role}", name);
        }
    }
}
